//! Supply metrics of a production table: world total, shares, ranks, top producer and the
//! Herfindahl-Hirschman index of concentration.

use indexmap::IndexMap;
use serde::Serialize;

/// Concentration of supply, from the HHI.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Concentration {
    /// HHI below 1,500.
    Low,
    /// HHI from 1,500 to 2,500.
    Moderate,
    /// HHI above 2,500.
    High,
}

impl Concentration {
    /// The label for an HHI value: below 1,500 low, 1,500-2,500 moderate, above 2,500 high.
    pub fn of(hhi: f64) -> Concentration {
        if hhi < 1500.0 {
            Concentration::Low
        } else if hhi <= 2500.0 {
            Concentration::Moderate
        } else {
            Concentration::High
        }
    }

    /// Lower-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Concentration::Low => "low",
            Concentration::Moderate => "moderate",
            Concentration::High => "high",
        }
    }
}

/// One country's line in a table.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ShareRow {
    /// ISO code.
    pub code: String,
    /// The figure.
    pub value: f64,
    /// Percent of the world total.
    pub share: f64,
    /// 1 for the largest; equal figures share a rank (1, 2, 2, 4).
    pub rank: usize,
}

/// What a production table works out to.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TableMetrics {
    /// World total: given, or the sum of the countries.
    pub world: f64,
    /// Whether `world` was given in the data.
    pub world_given: bool,
    /// Countries, largest first.
    pub rows: Vec<ShareRow>,
    /// The part of the world total not listed by country: (value, share).
    pub other: Option<(f64, f64)>,
    /// The largest producer: (code, share).
    pub top: Option<(String, f64)>,
    /// Sum of squared percentage shares of the listed countries (0-10,000).
    pub hhi: f64,
    /// Label of `hhi`.
    pub concentration: Concentration,
    /// True when countries are missing from the table, so `hhi` is a lower bound.
    pub hhi_lower_bound: bool,
}

/// Works out the metrics of a table of figures by country against an optional world total.
///
/// ```
/// use indexmap::IndexMap;
/// use orebrief::resolve::metrics::{production, Concentration};
///
/// let by_country: IndexMap<String, f64> =
///     [("CN".to_string(), 50.0), ("AU".to_string(), 30.0), ("US".to_string(), 20.0)].into();
/// let m = production(&by_country, None);
/// assert_eq!(m.hhi, 50.0 * 50.0 + 30.0 * 30.0 + 20.0 * 20.0); // 3,800
/// assert_eq!(m.concentration, Concentration::High);
/// assert_eq!(m.top, Some(("CN".to_string(), 50.0)));
///
/// // A world total above the listed countries leaves an "other" share, and the HHI of the
/// // listed countries is then a lower bound.
/// let m = production(&by_country, Some(200.0));
/// assert_eq!(m.other, Some((100.0, 50.0)));
/// assert!(m.hhi_lower_bound);
/// ```
pub fn production(by_country: &IndexMap<String, f64>, world: Option<f64>) -> TableMetrics {
    let listed: f64 = by_country.values().sum();
    let world_given = world.is_some();
    let world = world.unwrap_or(listed);
    let share = |v: f64| if world > 0.0 { v / world * 100.0 } else { 0.0 };
    let mut rows: Vec<ShareRow> = by_country
        .iter()
        .map(|(code, &value)| ShareRow {
            code: code.clone(),
            value,
            share: share(value),
            rank: 0,
        })
        .collect();
    rows.sort_by(|a, b| {
        b.value
            .total_cmp(&a.value)
            .then_with(|| a.code.cmp(&b.code))
    });
    let mut previous: Option<(f64, usize)> = None;
    for (i, row) in rows.iter_mut().enumerate() {
        row.rank = match previous {
            Some((value, rank)) if value == row.value => rank,
            _ => i + 1,
        };
        previous = Some((row.value, row.rank));
    }
    let remainder = world - listed;
    // Less than a thousandth of the total left over is rounding, not missing countries.
    let other = (world_given && remainder > world * 1e-3).then(|| (remainder, share(remainder)));
    let hhi: f64 = rows.iter().map(|r| r.share * r.share).sum();
    TableMetrics {
        world,
        world_given,
        top: rows
            .first()
            .filter(|r| r.value > 0.0)
            .map(|r| (r.code.clone(), r.share)),
        rows,
        other,
        hhi,
        concentration: Concentration::of(hhi),
        hhi_lower_bound: other.is_some(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(pairs: &[(&str, f64)]) -> IndexMap<String, f64> {
        pairs.iter().map(|(c, v)| (c.to_string(), *v)).collect()
    }

    #[test]
    fn gallium_refinery_2023_by_hand() {
        // 750/760 = 98.684%, 5/760 = 0.658%, 3/760 = 0.395%, 2/760 = 0.263%.
        let m = production(
            &table(&[("CN", 750.0), ("RU", 5.0), ("JP", 3.0), ("KR", 2.0)]),
            Some(760.0),
        );
        assert_eq!(m.world, 760.0);
        assert!((m.rows[0].share - 98.684_210_5).abs() < 1e-6);
        // HHI = 10,000 x (750² + 5² + 3² + 2²) / 760² = 5,625,380,000 / 577,600 = 9,739.2313
        assert!((m.hhi - 9739.2313).abs() < 0.001, "{}", m.hhi);
        assert_eq!(m.concentration, Concentration::High);
        assert_eq!(m.top, Some(("CN".to_string(), m.rows[0].share)));
        assert!(m.other.is_none());
        assert!(!m.hhi_lower_bound);
    }

    #[test]
    fn world_above_the_listed_sum_leaves_other_and_a_lower_bound() {
        let m = production(&table(&[("A", 30.0), ("B", 20.0)]), Some(100.0));
        assert_eq!(m.other, Some((50.0, 50.0)));
        assert_eq!(m.hhi, 30.0 * 30.0 + 20.0 * 20.0);
        assert_eq!(m.concentration, Concentration::Low);
        assert!(m.hhi_lower_bound);
    }

    #[test]
    fn world_defaults_to_the_sum() {
        let m = production(&table(&[("A", 50.0), ("B", 50.0)]), None);
        assert_eq!(m.world, 100.0);
        assert!(!m.world_given);
        assert_eq!(m.hhi, 5000.0);
    }

    #[test]
    fn ties_share_a_rank() {
        let m = production(
            &table(&[("A", 1.0), ("B", 5.0), ("C", 5.0), ("D", 3.0)]),
            None,
        );
        let ranks: Vec<(&str, usize)> = m.rows.iter().map(|r| (r.code.as_str(), r.rank)).collect();
        assert_eq!(ranks, [("B", 1), ("C", 1), ("D", 3), ("A", 4)]);
    }

    #[test]
    fn labels_at_the_boundaries() {
        assert_eq!(Concentration::of(1499.9), Concentration::Low);
        assert_eq!(Concentration::of(1500.0), Concentration::Moderate);
        assert_eq!(Concentration::of(2500.0), Concentration::Moderate);
        assert_eq!(Concentration::of(2500.1), Concentration::High);
        // One country with all of it.
        assert_eq!(production(&table(&[("CN", 10.0)]), None).hhi, 10_000.0);
    }

    #[test]
    fn empty_and_zero_tables_do_not_divide_by_zero() {
        let m = production(&table(&[]), None);
        assert_eq!((m.hhi, m.top.clone()), (0.0, None));
        let m = production(&table(&[("A", 0.0)]), None);
        assert_eq!(m.rows[0].share, 0.0);
        assert_eq!(m.top, None);
    }
}
