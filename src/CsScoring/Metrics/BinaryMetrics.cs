namespace CsScoring.Metrics;

/// <summary>One bin of a reliability curve.</summary>
/// <param name="Lower">The bin's lower probability edge.</param>
/// <param name="Upper">The bin's upper probability edge.</param>
/// <param name="Count">The rows whose probability falls in the bin.</param>
/// <param name="MeanPredicted">Their mean predicted probability.</param>
/// <param name="ObservedRate">Their observed positive rate.</param>
public readonly record struct ReliabilityBin(double Lower, double Upper, int Count, double MeanPredicted, double ObservedRate);

/// <summary>The figures of a set of probabilities against labels; see <see cref="BinaryMetrics.Compute"/>.</summary>
/// <remarks>A figure that is undefined for the data (e.g. AUC with one class) is <see cref="double.NaN"/>.</remarks>
public sealed record BinaryMetricSet
{
    /// <summary>The number of rows.</summary>
    public required int Rows { get; init; }

    /// <summary>The rows labelled positive.</summary>
    public required int Positives { get; init; }

    /// <summary>ROC-AUC (ties count half).</summary>
    public required double Auc { get; init; }

    /// <summary>Average precision (PR-AUC).</summary>
    public required double PrAuc { get; init; }

    /// <summary>Mean log loss (natural log; probabilities clamped to [1e-15, 1 - 1e-15]).</summary>
    public required double LogLoss { get; init; }

    /// <summary>Mean squared error of the probabilities (Brier score).</summary>
    public required double Brier { get; init; }

    /// <summary>Expected calibration error over ten equal-width bins.</summary>
    public required double Ece { get; init; }

    /// <summary>The threshold of the threshold metrics (positive when p >= threshold).</summary>
    public required double Threshold { get; init; }

    /// <summary>Share of rows classified correctly at the threshold.</summary>
    public required double Accuracy { get; init; }

    /// <summary>Precision at the threshold (0 when nothing is predicted positive).</summary>
    public required double Precision { get; init; }

    /// <summary>Recall at the threshold (0 without positives).</summary>
    public required double Recall { get; init; }

    /// <summary>F1 at the threshold.</summary>
    public required double F1 { get; init; }

    /// <summary>Positive rate in the top 10 % by probability over the overall rate.</summary>
    public required double LiftAt10 { get; init; }

    /// <summary>Kolmogorov-Smirnov statistic: the largest gap between the true- and false-positive rates.</summary>
    public required double Ks { get; init; }

    /// <summary>The metrics by snake_case name, as they appear in JSON.</summary>
    public IReadOnlyDictionary<string, double> ToDictionary() => new SortedDictionary<string, double>(StringComparer.Ordinal)
    {
        ["auc"] = Auc,
        ["pr_auc"] = PrAuc,
        ["log_loss"] = LogLoss,
        ["brier"] = Brier,
        ["ece"] = Ece,
        ["threshold"] = Threshold,
        ["accuracy"] = Accuracy,
        ["precision"] = Precision,
        ["recall"] = Recall,
        ["f1"] = F1,
        ["lift_at_10"] = LiftAt10,
        ["ks"] = Ks,
        ["rows"] = Rows,
        ["positives"] = Positives,
    };
}

/// <summary>
/// Binary-classification metrics over probabilities: ROC-AUC (ties count half), PR-AUC (average precision),
/// log loss, Brier, ECE, threshold metrics, lift at 10 %, KS; curves and threshold choices.
/// </summary>
/// <remarks>
/// Every method takes the probabilities and the labels as spans of equal length (an <see cref="ArgumentException"/>
/// otherwise); the order of rows never matters except for ties, which are broken by row index so results are
/// deterministic. Thread-safe: the methods are pure.
/// </remarks>
public static class BinaryMetrics
{
    /// <summary>The number of equal-width bins of <see cref="Reliability"/> and <see cref="Ece"/>.</summary>
    public const int ReliabilityBins = 10;

    /// <summary>Every figure at once.</summary>
    /// <param name="p">The predicted probabilities.</param>
    /// <param name="y">The labels (true = positive).</param>
    /// <param name="threshold">The threshold of the threshold metrics.</param>
    /// <returns>The figures.</returns>
    public static BinaryMetricSet Compute(ReadOnlySpan<double> p, ReadOnlySpan<bool> y, double threshold)
    {
        SameLength(p, y);
        var n = p.Length;
        var positives = 0;
        double logLoss = 0, brier = 0;
        int tp = 0, fp = 0, tn = 0, fn = 0;
        for (var i = 0; i < n; i++)
        {
            var pi = Math.Clamp(p[i], 1e-15, 1 - 1e-15);
            if (y[i])
            {
                positives++;
                logLoss -= Math.Log(pi);
                brier += (1 - p[i]) * (1 - p[i]);
            }
            else
            {
                logLoss -= Math.Log(1 - pi);
                brier += p[i] * p[i];
            }

            var predicted = p[i] >= threshold;
            if (predicted && y[i])
            {
                tp++;
            }
            else if (predicted)
            {
                fp++;
            }
            else if (y[i])
            {
                fn++;
            }
            else
            {
                tn++;
            }
        }

        var precision = tp + fp == 0 ? 0 : (double)tp / (tp + fp);
        var recall = tp + fn == 0 ? 0 : (double)tp / (tp + fn);
        return new BinaryMetricSet
        {
            Rows = n,
            Positives = positives,
            Auc = Auc(p, y),
            PrAuc = AveragePrecision(p, y),
            LogLoss = n == 0 ? double.NaN : logLoss / n,
            Brier = n == 0 ? double.NaN : brier / n,
            Ece = Ece(p, y),
            Threshold = threshold,
            Accuracy = n == 0 ? double.NaN : (double)(tp + tn) / n,
            Precision = precision,
            Recall = recall,
            F1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall),
            LiftAt10 = LiftAt(p, y, 0.10),
            Ks = Ks(p, y),
        };
    }

    /// <summary>Indices ordered by descending probability, ties in index order (deterministic).</summary>
    /// <param name="p">The probabilities.</param>
    public static int[] OrderDescending(ReadOnlySpan<double> p)
    {
        // Sorting integer keys with the indices alongside is several times faster than a comparison delegate on a
        // million rows; equal keys then get their index order back, since the sort is not stable.
        var order = new int[p.Length];
        var keys = new ulong[p.Length];
        for (var i = 0; i < order.Length; i++)
        {
            order[i] = i;
            keys[i] = DescendingKey(p[i]);
        }

        Array.Sort(keys, order);
        var start = 0;
        for (var i = 1; i <= keys.Length; i++)
        {
            if (i == keys.Length || keys[i] != keys[start])
            {
                if (i - start > 1)
                {
                    Array.Sort(order, start, i - start);
                }

                start = i;
            }
        }

        return order;
    }

    // An unsigned key whose ascending order is the descending order of double.CompareTo: -0 equals +0, and NaN,
    // which CompareTo puts below every number, comes last.
    private static ulong DescendingKey(double value)
    {
        if (double.IsNaN(value))
        {
            return ulong.MaxValue;
        }

        const ulong signBit = 1UL << 63;
        var bits = (ulong)BitConverter.DoubleToInt64Bits(value == 0 ? 0.0 : value);
        var ascending = (bits & signBit) != 0 ? ~bits : bits | signBit;
        return ~ascending;
    }

    /// <summary>ROC-AUC (ties count half); NaN with one class. The library's one implementation.</summary>
    /// <param name="p">The probabilities.</param>
    /// <param name="y">The labels.</param>
    public static double Auc(ReadOnlySpan<double> p, ReadOnlySpan<bool> y) => RocAuc.Compute(p, y);

    /// <summary>Average precision: Σ (Rₙ − Rₙ₋₁) Pₙ over distinct thresholds (scikit-learn's definition).</summary>
    /// <param name="p">The probabilities.</param>
    /// <param name="y">The labels.</param>
    public static double AveragePrecision(ReadOnlySpan<double> p, ReadOnlySpan<bool> y)
    {
        SameLength(p, y);
        var order = OrderDescending(p);
        var totalPositives = 0;
        foreach (var label in y)
        {
            totalPositives += label ? 1 : 0;
        }

        if (totalPositives == 0)
        {
            return double.NaN;
        }

        double ap = 0, previousRecall = 0;
        int tp = 0, seen = 0, i = 0;
        while (i < order.Length)
        {
            var j = i;
            while (j < order.Length && p[order[j]] == p[order[i]])
            {
                tp += y[order[j]] ? 1 : 0;
                seen++;
                j++;
            }

            var recall = (double)tp / totalPositives;
            ap += (recall - previousRecall) * tp / seen;
            previousRecall = recall;
            i = j;
        }

        return ap;
    }

    /// <summary>Expected calibration error over equal-width bins: Σ (nᵦ/N) |mean p − observed rate|.</summary>
    /// <param name="p">The probabilities.</param>
    /// <param name="y">The labels.</param>
    public static double Ece(ReadOnlySpan<double> p, ReadOnlySpan<bool> y)
    {
        SameLength(p, y);
        if (p.IsEmpty)
        {
            return double.NaN;
        }

        double ece = 0;
        foreach (var bin in Reliability(p, y))
        {
            ece += (double)bin.Count / p.Length * Math.Abs(bin.MeanPredicted - bin.ObservedRate);
        }

        return ece;
    }

    /// <summary>The reliability curve: per equal-width probability bin, the mean prediction and the observed rate (empty bins left out).</summary>
    /// <param name="p">The probabilities.</param>
    /// <param name="y">The labels.</param>
    /// <param name="bins">The number of bins (at least 1).</param>
    public static IReadOnlyList<ReliabilityBin> Reliability(ReadOnlySpan<double> p, ReadOnlySpan<bool> y, int bins = ReliabilityBins)
    {
        SameLength(p, y);
        ArgumentOutOfRangeException.ThrowIfLessThan(bins, 1);
        var count = new int[bins];
        var sum = new double[bins];
        var hits = new int[bins];
        for (var i = 0; i < p.Length; i++)
        {
            var b = Math.Clamp((int)(p[i] * bins), 0, bins - 1);
            count[b]++;
            sum[b] += p[i];
            hits[b] += y[i] ? 1 : 0;
        }

        var result = new List<ReliabilityBin>();
        for (var b = 0; b < bins; b++)
        {
            if (count[b] > 0)
            {
                result.Add(new ReliabilityBin((double)b / bins, (double)(b + 1) / bins, count[b], sum[b] / count[b], (double)hits[b] / count[b]));
            }
        }

        return result;
    }

    /// <summary>Positive rate among the top <paramref name="share"/> of rows by probability over the overall rate.</summary>
    /// <param name="p">The probabilities.</param>
    /// <param name="y">The labels.</param>
    /// <param name="share">The top share of rows, in (0, 1].</param>
    public static double LiftAt(ReadOnlySpan<double> p, ReadOnlySpan<bool> y, double share)
    {
        SameLength(p, y);
        var n = p.Length;
        var total = 0;
        foreach (var label in y)
        {
            total += label ? 1 : 0;
        }

        if (n == 0 || total == 0)
        {
            return double.NaN;
        }

        var top = Math.Max(1, (int)Math.Ceiling(share * n));
        var order = OrderDescending(p);
        var hits = 0;
        for (var i = 0; i < top; i++)
        {
            hits += y[order[i]] ? 1 : 0;
        }

        return (double)hits / top / ((double)total / n);
    }

    /// <summary>Kolmogorov-Smirnov statistic: the largest gap between the true- and false-positive rates.</summary>
    /// <param name="p">The probabilities.</param>
    /// <param name="y">The labels.</param>
    public static double Ks(ReadOnlySpan<double> p, ReadOnlySpan<bool> y)
    {
        SameLength(p, y);
        var curve = Roc(p, y);
        return curve.Count == 0 ? double.NaN : curve.Max(point => point.Tpr - point.Fpr);
    }

    /// <summary>ROC points (false-positive rate, true-positive rate, threshold) from the top down, starting at (0, 0).</summary>
    /// <param name="p">The probabilities.</param>
    /// <param name="y">The labels.</param>
    public static IReadOnlyList<(double Fpr, double Tpr, double Threshold)> Roc(ReadOnlySpan<double> p, ReadOnlySpan<bool> y)
    {
        SameLength(p, y);
        var order = OrderDescending(p);
        int positives = 0, negatives = 0;
        foreach (var label in y)
        {
            if (label)
            {
                positives++;
            }
            else
            {
                negatives++;
            }
        }

        if (positives == 0 || negatives == 0)
        {
            return [];
        }

        var points = new List<(double, double, double)> { (0, 0, 1) };
        int tp = 0, fp = 0, i = 0;
        while (i < order.Length)
        {
            var j = i;
            while (j < order.Length && p[order[j]] == p[order[i]])
            {
                if (y[order[j]])
                {
                    tp++;
                }
                else
                {
                    fp++;
                }

                j++;
            }

            points.Add(((double)fp / negatives, (double)tp / positives, p[order[i]]));
            i = j;
        }

        return points;
    }

    /// <summary>Precision-recall points (recall, precision) from the top down.</summary>
    /// <param name="p">The probabilities.</param>
    /// <param name="y">The labels.</param>
    public static IReadOnlyList<(double Recall, double Precision)> PrecisionRecall(ReadOnlySpan<double> p, ReadOnlySpan<bool> y)
    {
        SameLength(p, y);
        var order = OrderDescending(p);
        var positives = 0;
        foreach (var label in y)
        {
            positives += label ? 1 : 0;
        }

        if (positives == 0)
        {
            return [];
        }

        var points = new List<(double, double)>();
        int tp = 0, seen = 0, i = 0;
        while (i < order.Length)
        {
            var j = i;
            while (j < order.Length && p[order[j]] == p[order[i]])
            {
                tp += y[order[j]] ? 1 : 0;
                seen++;
                j++;
            }

            points.Add(((double)tp / positives, (double)tp / seen));
            i = j;
        }

        return points;
    }

    /// <summary>Cumulative gains: share of positives captured (y) in the top x share of rows, at 5 % steps.</summary>
    /// <param name="p">The probabilities.</param>
    /// <param name="y">The labels.</param>
    public static IReadOnlyList<(double Share, double Captured, double Lift)> Gains(ReadOnlySpan<double> p, ReadOnlySpan<bool> y)
    {
        SameLength(p, y);
        var order = OrderDescending(p);
        var total = 0;
        foreach (var label in y)
        {
            total += label ? 1 : 0;
        }

        var result = new List<(double, double, double)> { (0, 0, double.NaN) };
        if (total == 0)
        {
            return result;
        }

        var hits = 0;
        var next = 1;
        for (var i = 0; i < order.Length; i++)
        {
            hits += y[order[i]] ? 1 : 0;
            var share = (double)(i + 1) / order.Length;
            if (share >= next * 0.05 - 1e-12)
            {
                var captured = (double)hits / total;
                result.Add((share, captured, captured / share));
                next++;
            }
        }

        return result;
    }

    /// <summary>The probability threshold (predict positive when p ≥ t) that maximises F1.</summary>
    /// <param name="p">The probabilities.</param>
    /// <param name="y">The labels.</param>
    public static double F1Threshold(ReadOnlySpan<double> p, ReadOnlySpan<bool> y)
    {
        SameLength(p, y);
        var order = OrderDescending(p);
        var positives = 0;
        foreach (var label in y)
        {
            positives += label ? 1 : 0;
        }

        double best = -1, threshold = 0.5;
        int tp = 0, seen = 0, i = 0;
        while (i < order.Length)
        {
            var j = i;
            while (j < order.Length && p[order[j]] == p[order[i]])
            {
                tp += y[order[j]] ? 1 : 0;
                seen++;
                j++;
            }

            var f1 = positives + seen == 0 ? 0 : 2.0 * tp / (positives + seen);
            if (f1 > best)
            {
                best = f1;
                threshold = p[order[i]];
            }

            i = j;
        }

        return threshold;
    }

    /// <summary>
    /// The threshold that maximises the realised value of acting on every row with p ≥ t:
    /// Σ (yᵢ × successRate × accountValue − actionCost); 1 when acting never pays.
    /// </summary>
    /// <param name="p">The probabilities.</param>
    /// <param name="y">The labels.</param>
    /// <param name="actionCost">The cost of acting on one row.</param>
    /// <param name="successRate">The share of positives an action saves.</param>
    /// <param name="accountValue">The value of a saved positive.</param>
    public static (double Threshold, double Value) CostThreshold(ReadOnlySpan<double> p, ReadOnlySpan<bool> y, double actionCost, double successRate, double accountValue)
    {
        SameLength(p, y);
        var order = OrderDescending(p);
        double value = 0, best = 0, threshold = 1;
        var i = 0;
        while (i < order.Length)
        {
            var j = i;
            while (j < order.Length && p[order[j]] == p[order[i]])
            {
                value += (y[order[j]] ? successRate * accountValue : 0) - actionCost;
                j++;
            }

            if (value > best)
            {
                best = value;
                threshold = p[order[i]];
            }

            i = j;
        }

        return (threshold, best);
    }

    /// <summary>The p-th quantile (0..1) by linear interpolation.</summary>
    /// <param name="values">The values (NaN sorts first).</param>
    /// <param name="q">The quantile, in [0, 1].</param>
    public static double Quantile(ReadOnlySpan<double> values, double q)
    {
        if (values.IsEmpty)
        {
            return double.NaN;
        }

        var sorted = values.ToArray();
        Array.Sort(sorted);
        var position = q * (sorted.Length - 1);
        var lower = (int)Math.Floor(position);
        var upper = Math.Min(lower + 1, sorted.Length - 1);
        return sorted[lower] + (position - lower) * (sorted[upper] - sorted[lower]);
    }

    private static void SameLength(ReadOnlySpan<double> p, ReadOnlySpan<bool> y)
    {
        if (p.Length != y.Length)
        {
            throw new ArgumentException($"{p.Length} probabilities but {y.Length} labels; they must pair up one to one.", nameof(y));
        }
    }
}
