//! The length cost (Gale & Church 1993): the lengths in characters of a sentence and of its
//! translation are roughly proportional. The ratio `c` and the variance `s2` are estimated
//! from the two documents themselves, so any language pair works.

/// Length statistics of a document pair.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct LengthModel {
    /// Expected target characters per source character.
    pub c: f32,
    /// Variance of the target length per source character.
    pub s2: f32,
}

impl LengthModel {
    /// The ratio from total lengths; the variance from Gale and Church's measurements until
    /// [`LengthModel::refit`] has seen an alignment.
    pub fn from_totals(src_chars: f64, tgt_chars: f64) -> LengthModel {
        let c = if src_chars > 0.0 && tgt_chars > 0.0 {
            (tgt_chars / src_chars) as f32
        } else {
            1.0
        };
        LengthModel { c, s2: 6.8 }
    }

    /// Re-estimates the variance from pairs believed to be translations (1-1 beads), with a
    /// robust (median-based) estimator so that a few wrong pairs do not inflate it.
    pub fn refit(&self, pairs: &[(f32, f32)]) -> LengthModel {
        let mut z: Vec<f32> = pairs
            .iter()
            .filter(|(s, t)| *s > 0.0 && *t > 0.0)
            .map(|&(s, t)| {
                let d = t - self.c * s;
                d * d / self.mean_len(s, t)
            })
            .collect();
        if z.len() < 10 {
            return *self;
        }
        let mid = z.len() / 2;
        let (_, median, _) = z.select_nth_unstable_by(mid, f32::total_cmp);
        // The median of a chi-square with one degree of freedom is 0.455.
        let s2 = (*median / 0.455).clamp(0.5, 50.0);
        LengthModel { c: self.c, s2 }
    }

    fn mean_len(&self, s: f32, t: f32) -> f32 {
        ((s + t / self.c) / 2.0).max(1.0)
    }

    /// `-ln P(|δ| ≥ observed)` for a source group of `s` characters and a target group of
    /// `t` characters; 0 for a perfect ratio, growing with the mismatch.
    pub fn cost(&self, s: f32, t: f32) -> f32 {
        let delta = (t - self.c * s) / (self.s2 * self.mean_len(s, t)).sqrt();
        let p = erfc(delta.abs() / std::f32::consts::SQRT_2);
        (-p.max(1e-12).ln()).min(27.0)
    }
}

/// The complementary error function (Numerical Recipes' Chebyshev fit, relative error
/// below 1.2e-7), enough for probabilities.
pub(crate) fn erfc(x: f32) -> f32 {
    let x = f64::from(x);
    let z = x.abs();
    let t = 1.0 / (1.0 + 0.5 * z);
    let r = t
        * (-z * z - 1.265_512_23
            + t * (1.000_023_68
                + t * (0.374_091_96
                    + t * (0.096_784_18
                        + t * (-0.186_288_06
                            + t * (0.278_868_07
                                + t * (-1.135_203_98
                                    + t * (1.488_515_87
                                        + t * (-0.822_152_23 + t * 0.170_872_77)))))))))
            .exp();
    (if x >= 0.0 { r } else { 2.0 - r }) as f32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn erfc_matches_known_values() {
        assert!((erfc(0.0) - 1.0).abs() < 1e-6);
        assert!((erfc(1.0) - 0.157_299_2).abs() < 1e-6);
        assert!((erfc(-1.0) - 1.842_700_8).abs() < 1e-6);
        assert!(erfc(6.0) < 1e-15 + 1e-12);
    }

    #[test]
    fn cost_grows_with_the_mismatch() {
        let m = LengthModel { c: 1.1, s2: 6.8 };
        assert!(m.cost(100.0, 110.0) < 0.01);
        assert!(m.cost(100.0, 130.0) > m.cost(100.0, 115.0));
        assert!(m.cost(100.0, 40.0) > 5.0);
        assert!(m.cost(100.0, 300.0) <= 27.0);
    }

    #[test]
    fn the_ratio_and_variance_come_from_the_documents() {
        let m = LengthModel::from_totals(1000.0, 1200.0);
        assert!((m.c - 1.2).abs() < 1e-6);
        let pairs: Vec<(f32, f32)> = (0..50)
            .map(|k| (100.0, 120.0 + (k % 5) as f32 - 2.0))
            .collect();
        let fitted = m.refit(&pairs);
        assert!(
            fitted.s2 < m.s2,
            "tight pairs give a smaller variance: {}",
            fitted.s2
        );
        assert_eq!(m.refit(&pairs[..3]), m, "too few pairs: keep the prior");
    }
}
