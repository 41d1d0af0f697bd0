using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace CsScoring.Churn.Trees;

public sealed partial class TreeEnsemble
{
    /// <summary>
    /// Adds to <paramref name="leafCounts"/> (one per leaf) how many of the selected rows reach each leaf: with
    /// QuickScorer over feature-major blocks where the batch scorer uses it, otherwise by walking each row down each
    /// tree. Both follow the scoring rules exactly, so the counts are those of <see cref="GoesLeft"/> walks.
    /// </summary>
    /// <param name="rowMajor">Feature vectors, one after another.</param>
    /// <param name="rows">Indices of the rows to count into <paramref name="rowMajor"/>; the caller has checked them.</param>
    /// <param name="leafCounts">Receives the counts, added to what it holds.</param>
    internal void CountLeaves(ReadOnlySpan<float> rowMajor, ReadOnlySpan<int> rows, Span<double> leafCounts)
    {
        if (leafCounts.Length != LeafValues.Length)
        {
            ThrowHelper.WrongLength(nameof(leafCounts), LeafValues.Length, leafCounts.Length);
        }

        if (_quickScorer is null || Isa == TreeIsa.Scalar)
        {
            for (var i = 0; i < rows.Length; i++)
            {
                var row = rowMajor.Slice(rows[i] * FeatureCount, FeatureCount);
                for (var t = 0; t < Roots.Length; t++)
                {
                    var node = Roots[t];
                    while (node >= 0)
                    {
                        node = GoesLeft(node, row) ? Nodes[node].Left : Nodes[node].Right;
                    }

                    leafCounts[~node]++;
                }
            }

            return;
        }

        if (Isa == TreeIsa.Vector128)
        {
            CountLeavesQuickScorer<Block128>(rowMajor, rows, leafCounts);
        }
        else
        {
            CountLeavesQuickScorer<Block256>(rowMajor, rows, leafCounts);
        }
    }

    /// <summary>
    /// Adds leaf counts to covers: each leaf's count to the leaf and to every node on its path from the root, so each
    /// node's cover grows by the rows through it. Counts are whole numbers (exact in double far beyond any row
    /// count), so the covers equal those of adding the rows one by one.
    /// </summary>
    internal void AddLeafCounts(ReadOnlySpan<double> leafCounts, Span<double> nodeCovers, Span<double> leafCovers)
    {
        if (leafCounts.Length != LeafValues.Length || leafCovers.Length != LeafValues.Length || nodeCovers.Length != Nodes.Length)
        {
            ThrowHelper.WrongLength(nameof(leafCounts), LeafValues.Length, leafCounts.Length, "one count per leaf, one cover per node and per leaf");
        }

        var parents = Parents();
        for (var leaf = 0; leaf < leafCounts.Length; leaf++)
        {
            var count = leafCounts[leaf];
            if (count == 0)
            {
                continue;
            }

            leafCovers[leaf] += count;
            for (var node = parents[Nodes.Length + leaf]; node >= 0; node = parents[node])
            {
                nodeCovers[node] += count;
            }
        }
    }

    // Per node, then per leaf (at Nodes.Length + leaf): the parent node, or -1 for a root. Validation guarantees
    // that every node and leaf has exactly one parent or is a root.
    private int[] Parents()
    {
        var parents = new int[Nodes.Length + LeafValues.Length];
        parents.AsSpan().Fill(-1);
        for (var i = 0; i < Nodes.Length; i++)
        {
            var node = Nodes[i];
            parents[node.Left >= 0 ? node.Left : Nodes.Length + ~node.Left] = i;
            parents[node.Right >= 0 ? node.Right : Nodes.Length + ~node.Right] = i;
        }

        return parents;
    }

    // QuickScorer's leaf per row and tree (as in ScoreRowsBlockQuickScorer), counted by leaf rank, then mapped to
    // the ensemble's leaves.
    private void CountLeavesQuickScorer<TBlock>(ReadOnlySpan<float> rowMajor, ReadOnlySpan<int> rows, Span<double> leafCounts)
        where TBlock : struct, IBlockWidth
    {
        const int Block = BatchBlock;
        var layout = _quickScorer!;
        var width = FeatureCount;
        var trees = layout.Trees;
        var columns = ArrayPool<float>.Shared.Rent(width * Block);
        var indexes = ArrayPool<int>.Shared.Rent(Math.Max(1, trees) * Block);
        var counts = new int[layout.Leaf.Length];
        try
        {
            ref var x = ref MemoryMarshal.GetArrayDataReference(columns);
            ref var index = ref MemoryMarshal.GetArrayDataReference(indexes);
            for (var start = 0; start < rows.Length; start += Block)
            {
                var count = Math.Min(Block, rows.Length - start);
                for (var r = 0; r < count; r++)
                {
                    var row = rowMajor.Slice(rows[start + r] * width, width);
                    for (var f = 0; f < row.Length; f++)
                    {
                        Unsafe.Add(ref x, (f * Block) + r) = row[f];
                    }
                }

                // Rows past count hold values of an earlier block (or anything the pool had): evaluated, never read.
                for (var t = 0; t < trees; t++)
                {
                    for (var offset = 0; offset < count; offset += TBlock.RowsPerPass)
                    {
                        TBlock.Tree(layout, t, ref x, offset, ref Unsafe.Add(ref index, (t * Block) + offset));
                    }
                }

                for (var t = 0; t < trees; t++)
                {
                    var leaves = indexes.AsSpan(t * Block, count);
                    foreach (var leaf in leaves)
                    {
                        counts[leaf]++;
                    }
                }
            }

            for (var rank = 0; rank < counts.Length; rank++)
            {
                leafCounts[layout.Leaf[rank]] += counts[rank];
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(columns);
            ArrayPool<int>.Shared.Return(indexes);
        }
    }
}
