//! The dynamic program over bead shapes, restricted to a band of the (source × target)
//! lattice, and the coarse-to-fine search that finds the band.
//!
//! Lattice point `(i, j)` means "the first `i` source and `j` target sentences are aligned".
//! A move `(a, b)` from `(i - a, j - b)` to `(i, j)` is a bead of `a` source and `b` target
//! sentences. The band keeps, for each `i`, a window of `j`; cost and memory are linear in the
//! band's area. Long documents are first aligned at coarser resolutions (blocks of 4, 16, 64...
//! sentences merged), and each finer pass searches only near the coarser path, widening the
//! band wherever the path runs along its edge.

use rayon::prelude::*;

/// A bead shape: (source sentences, target sentences).
pub(crate) type Move = (u8, u8);

/// For each lattice row `i` in `0..=n_src`, the inclusive column window `lo[i]..=hi[i]`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Band {
    pub lo: Vec<u32>,
    pub hi: Vec<u32>,
    offsets: Vec<usize>,
}

impl Band {
    pub fn full(n_src: usize, n_tgt: usize) -> Band {
        Band::new(vec![0; n_src + 1], vec![n_tgt as u32; n_src + 1])
    }

    fn new(lo: Vec<u32>, hi: Vec<u32>) -> Band {
        let mut offsets = Vec::with_capacity(lo.len() + 1);
        let mut total = 0usize;
        for (l, h) in lo.iter().zip(&hi) {
            offsets.push(total);
            total += (h - l + 1) as usize;
        }
        offsets.push(total);
        Band { lo, hi, offsets }
    }

    pub fn cells(&self) -> usize {
        *self.offsets.last().unwrap_or(&0)
    }

    pub fn index(&self, i: usize, j: u32) -> Option<usize> {
        let (lo, hi) = (*self.lo.get(i)?, self.hi[i]);
        (lo..=hi)
            .contains(&j)
            .then(|| self.offsets[i] + (j - lo) as usize)
    }

    /// The band around a path (lattice points of a coarser alignment scaled up by `scale`),
    /// `widths[row]` columns on each side of each row, made monotone and connected so a path
    /// always exists.
    pub fn around(
        path: &[(u32, u32)],
        scale: u32,
        widths: &[u32],
        n_src: usize,
        n_tgt: usize,
    ) -> Band {
        let n_tgt = n_tgt as u32;
        let mut lo = vec![u32::MAX; n_src + 1];
        let mut hi = vec![0u32; n_src + 1];
        for w in path.windows(2) {
            let (i0, j0) = (w[0].0 * scale, w[0].1 * scale);
            let (i1, j1) = (w[1].0 * scale, w[1].1 * scale);
            for i in i0..=i1.min(n_src as u32) {
                let row = i as usize;
                let width = widths[row];
                lo[row] = lo[row].min(j0.saturating_sub(width));
                hi[row] = hi[row].max((j1 + width).min(n_tgt));
            }
        }
        for row in 0..=n_src {
            if lo[row] == u32::MAX {
                // Rows past the scaled path's end (odd lengths): extend the last window.
                lo[row] = if row > 0 { lo[row - 1] } else { 0 };
                hi[row] = n_tgt;
            }
        }
        lo[0] = 0;
        hi[n_src] = n_tgt;
        for row in 1..=n_src {
            hi[row] = hi[row].max(hi[row - 1]);
        }
        for row in (0..n_src).rev() {
            lo[row] = lo[row].min(lo[row + 1]);
            hi[row] = hi[row].max(lo[row + 1]);
        }
        Band::new(lo, hi)
    }

    /// The rows where the path runs along an edge of the band (where the document's own
    /// edges do not explain it): a wider band there might hold a better path.
    pub fn edge_rows(&self, path: &[(u32, u32)], n_tgt: usize) -> Vec<usize> {
        path.iter()
            .filter(|&&(i, j)| {
                let i = i as usize;
                (j == self.lo[i] && j > 0) || (j == self.hi[i] && (j as usize) < n_tgt)
            })
            .map(|&(i, _)| i as usize)
            .collect()
    }
}

/// Runs the dynamic program in `band` with the given moves and bead cost, and returns the
/// best path's lattice points from `(0, 0)` to `(n_src, n_tgt)`, with the cost of each step.
///
/// `cost(i0, i1, j0, j1)` is the cost of the bead of source `i0..i1` and target `j0..j1`.
pub(crate) fn best_path<F>(
    n_src: usize,
    n_tgt: usize,
    band: &Band,
    moves: &[Move],
    cost: F,
) -> Vec<(u32, u32, f32)>
where
    F: Fn(usize, usize, usize, usize) -> f32 + Sync,
{
    const BLOCK: usize = 256;
    let cells = band.cells();
    let mut total = vec![f32::INFINITY; cells];
    let mut back = vec![u8::MAX; cells];
    let mut step_cost = vec![0f32; cells];
    if let Some(origin) = band.index(0, 0) {
        total[origin] = 0.0;
    }
    let m = moves.len();
    // Bead costs do not depend on the DP, so a block of rows is scored in parallel first.
    let mut block_costs: Vec<f32> = Vec::new();
    let mut row = 0usize;
    while row <= n_src {
        let end = (row + BLOCK).min(n_src + 1);
        let block_start = band.offsets[row];
        let block_cells = band.offsets[end] - block_start;
        block_costs.clear();
        block_costs.resize(block_cells * m, f32::INFINITY);
        let rows: Vec<usize> = (row..end).collect();
        let chunks: Vec<Vec<f32>> = rows
            .par_iter()
            .map(|&i| {
                let (lo, hi) = (band.lo[i], band.hi[i]);
                let mut out = vec![f32::INFINITY; (hi - lo + 1) as usize * m];
                for j in lo..=hi {
                    for (k, &(a, b)) in moves.iter().enumerate() {
                        let (a, b) = (a as usize, b as usize);
                        if i < a || (j as usize) < b {
                            continue;
                        }
                        if band.index(i - a, j - b as u32).is_none() {
                            continue;
                        }
                        out[(j - lo) as usize * m + k] = cost(i - a, i, j as usize - b, j as usize);
                    }
                }
                out
            })
            .collect();
        for (i, chunk) in rows.iter().zip(chunks) {
            let at = band.offsets[*i] - block_start;
            block_costs[at * m..at * m + chunk.len()].copy_from_slice(&chunk);
        }
        for i in row..end {
            let (lo, hi) = (band.lo[i], band.hi[i]);
            for j in lo..=hi {
                let here = band.offsets[i] + (j - lo) as usize;
                for (k, &(a, b)) in moves.iter().enumerate() {
                    let c = block_costs[(here - block_start) * m + k];
                    if !c.is_finite() {
                        continue;
                    }
                    let Some(prev) = band.index(i - a as usize, j - u32::from(b)) else {
                        continue;
                    };
                    let t = total[prev] + c;
                    if t < total[here] {
                        total[here] = t;
                        back[here] = k as u8;
                        step_cost[here] = c;
                    }
                }
            }
        }
        row = end;
    }
    // Trace back from the end.
    let mut path = Vec::new();
    let (mut i, mut j) = (n_src, n_tgt as u32);
    loop {
        let here = band.index(i, j).expect("the band holds the end point");
        path.push((i as u32, j, step_cost[here]));
        if i == 0 && j == 0 {
            break;
        }
        let k = back[here];
        assert!(
            k != u8::MAX,
            "no path reaches ({i}, {j}); the band is not connected"
        );
        let (a, b) = moves[k as usize];
        i -= a as usize;
        j -= u32::from(b);
    }
    path.reverse();
    path
}

/// The posterior probability of each step of `path` under the Gibbs distribution over all
/// paths in the band, `P(path) ∝ exp(-cost(path) / temperature)`: how much of the probability
/// mass of all alignments goes through this bead. A bead with a close rival (a 2-1 that could
/// as well be a 1-1 and a 0-1) gets a low value even when both fit well.
///
/// `path` is the lattice points from `(0, 0)` to `(n_src, n_tgt)`; the result has one value
/// per step.
pub(crate) fn step_posteriors<F>(
    band: &Band,
    moves: &[Move],
    path: &[(u32, u32)],
    temperature: f32,
    cost: F,
) -> Vec<f32>
where
    F: Fn(usize, usize, usize, usize) -> f32,
{
    let n_src = band.lo.len() - 1;
    let cells = band.cells();
    let m = moves.len();
    // Step costs, once: forward and backward both need them.
    let mut step = vec![f32::INFINITY; cells * m];
    for i in 0..=n_src {
        for j in band.lo[i]..=band.hi[i] {
            let here = band.offsets[i] + (j - band.lo[i]) as usize;
            for (k, &(a, b)) in moves.iter().enumerate() {
                let (a, b) = (usize::from(a), u32::from(b));
                if i >= a && j >= b && band.index(i - a, j - b).is_some() {
                    step[here * m + k] = cost(i - a, i, (j - b) as usize, j as usize) / temperature;
                }
            }
        }
    }
    let log_add = |x: f64, y: f64| {
        if x == f64::NEG_INFINITY {
            return y;
        }
        let (hi, lo) = if x > y { (x, y) } else { (y, x) };
        hi + (lo - hi).exp().ln_1p()
    };
    // The finite steps into the cell (i, j) at `here`: the cell each comes from, and its cost.
    let step = &step;
    let steps_into = |here: usize, i: usize, j: u32| {
        moves.iter().enumerate().filter_map(move |(k, &(a, b))| {
            let c = step[here * m + k];
            c.is_finite().then(|| {
                let prev = band
                    .index(i - usize::from(a), j - u32::from(b))
                    .expect("finite steps start in the band");
                (prev, f64::from(c))
            })
        })
    };
    // Log-weights of all paths from the origin to each cell, and from each cell to the end.
    let mut forward = vec![f64::NEG_INFINITY; cells];
    let mut backward = vec![f64::NEG_INFINITY; cells];
    if let Some(origin) = band.index(0, 0) {
        forward[origin] = 0.0;
    }
    for i in 0..=n_src {
        for j in band.lo[i]..=band.hi[i] {
            let here = band.offsets[i] + (j - band.lo[i]) as usize;
            for (prev, c) in steps_into(here, i, j) {
                forward[here] = log_add(forward[here], forward[prev] - c);
            }
        }
    }
    let n_tgt = band.hi[n_src];
    if let Some(end) = band.index(n_src, n_tgt) {
        backward[end] = 0.0;
    }
    for i in (0..=n_src).rev() {
        for j in (band.lo[i]..=band.hi[i]).rev() {
            let here = band.offsets[i] + (j - band.lo[i]) as usize;
            if backward[here] == f64::NEG_INFINITY {
                continue;
            }
            for (prev, c) in steps_into(here, i, j) {
                backward[prev] = log_add(backward[prev], backward[here] - c);
            }
        }
    }
    let total = band.index(n_src, n_tgt).map_or(0.0, |end| forward[end]);
    path.windows(2)
        .map(|w| {
            let (from, to) = (w[0], w[1]);
            let (a, b) = ((to.0 - from.0) as u8, (to.1 - from.1) as u8);
            let (Some(k), Some(start), Some(here)) = (
                moves.iter().position(|&mv| mv == (a, b)),
                band.index(from.0 as usize, from.1),
                band.index(to.0 as usize, to.1),
            ) else {
                return 0.0;
            };
            let log_p = forward[start] - f64::from(step[here * m + k]) + backward[here] - total;
            log_p.exp().clamp(0.0, 1.0) as f32
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const MOVES: &[Move] = &[(1, 1), (1, 0), (0, 1), (2, 1), (1, 2)];

    #[test]
    fn posteriors_are_high_for_a_clear_path_and_split_between_rivals() {
        let band = Band::full(2, 2);
        let diagonal = |i0: usize, i1: usize, j0: usize, j1: usize| {
            if i1 - i0 == 1 && j1 - j0 == 1 && i0 == j0 {
                0.0
            } else {
                10.0
            }
        };
        let p = step_posteriors(&band, MOVES, &[(0, 0), (1, 1), (2, 2)], 1.0, diagonal);
        assert!(p.iter().all(|&x| x > 0.99), "{p:?}");
        // Two equally cheap ways through: 1-1 twice, or one 2-2-like pair of 2-1 and 0-1.
        let rivals = |i0: usize, i1: usize, j0: usize, j1: usize| match (i1 - i0, j1 - j0) {
            (1, 1) => 1.0,
            (2, 1) => 1.0,
            (0, 1) => 1.0,
            _ => 50.0,
        };
        let p = step_posteriors(&band, MOVES, &[(0, 0), (1, 1), (2, 2)], 1.0, rivals);
        assert!(p.iter().all(|&x| (0.2..0.8).contains(&x)), "{p:?}");
    }

    #[test]
    fn full_band_finds_the_cheapest_path() {
        // Diagonal is free, everything else costs: the path is all 1-1.
        let path = best_path(3, 3, &Band::full(3, 3), MOVES, |i0, i1, j0, j1| {
            if i1 - i0 == 1 && j1 - j0 == 1 && i0 == j0 {
                0.0
            } else {
                1.0
            }
        });
        let points: Vec<(u32, u32)> = path.iter().map(|p| (p.0, p.1)).collect();
        assert_eq!(points, [(0, 0), (1, 1), (2, 2), (3, 3)]);
    }

    #[test]
    fn empty_sides_give_insertions_or_deletions() {
        let path = best_path(0, 2, &Band::full(0, 2), MOVES, |_, _, _, _| 1.0);
        assert_eq!(
            path.iter().map(|p| (p.0, p.1)).collect::<Vec<_>>(),
            [(0, 0), (0, 1), (0, 2)]
        );
    }

    #[test]
    fn band_around_a_coarse_path_is_connected_and_covers_the_corners() {
        let band = Band::around(&[(0, 0), (1, 1), (2, 3), (3, 3)], 2, &[1; 8], 7, 6);
        assert_eq!(band.lo[0], 0);
        assert_eq!(band.hi[7], 6);
        for i in 0..7 {
            assert!(band.lo[i] <= band.lo[i + 1] && band.hi[i] <= band.hi[i + 1]);
            assert!(
                band.hi[i] >= band.lo[i + 1],
                "row {i} reaches row {}",
                i + 1
            );
        }
        // A path exists even when the costs push towards the band's edge.
        let path = best_path(7, 6, &band, MOVES, |_, _, _, _| 1.0);
        assert_eq!(path.last().map(|p| (p.0, p.1)), Some((7, 6)));
    }
}
