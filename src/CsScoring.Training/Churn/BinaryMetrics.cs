namespace CsScoring.Training.Churn;

/// <summary>One bin of a reliability curve.</summary>
internal readonly record struct ReliabilityBin(double Lower, double Upper, int Count, double MeanPredicted, double ObservedRate);

/// <summary>The figures of a set of probabilities against labels; see <see cref="BinaryMetrics.Compute"/>.</summary>
internal sealed record MetricSet
{
    public required int Rows { get; init; }

    public required int Positives { get; init; }

    public required double Auc { get; init; }

    public required double PrAuc { get; init; }

    public required double LogLoss { get; init; }

    public required double Brier { get; init; }

    public required double Ece { get; init; }

    public required double Threshold { get; init; }

    public required double Accuracy { get; init; }

    public required double Precision { get; init; }

    public required double Recall { get; init; }

    public required double F1 { get; init; }

    public required double LiftAt10 { get; init; }

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
internal static class BinaryMetrics
{
    public const int ReliabilityBins = 10;

    public static MetricSet Compute(ReadOnlySpan<double> p, ReadOnlySpan<bool> y, double threshold)
    {
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
        return new MetricSet
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
    public static int[] OrderDescending(ReadOnlySpan<double> p)
    {
        var order = new int[p.Length];
        for (var i = 0; i < order.Length; i++)
        {
            order[i] = i;
        }

        var keys = p.ToArray();
        Array.Sort(order, (a, b) =>
        {
            var c = keys[b].CompareTo(keys[a]);
            return c != 0 ? c : a.CompareTo(b);
        });
        return order;
    }

    /// <summary>ROC-AUC (ties count half); NaN with one class. The library's one implementation.</summary>
    public static double Auc(ReadOnlySpan<double> p, ReadOnlySpan<bool> y) => CsScoring.Metrics.RocAuc.Compute(p, y);

    /// <summary>Average precision: Σ (Rₙ − Rₙ₋₁) Pₙ over distinct thresholds (scikit-learn's definition).</summary>
    public static double AveragePrecision(ReadOnlySpan<double> p, ReadOnlySpan<bool> y)
    {
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
    public static double Ece(ReadOnlySpan<double> p, ReadOnlySpan<bool> y)
    {
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

    public static IReadOnlyList<ReliabilityBin> Reliability(ReadOnlySpan<double> p, ReadOnlySpan<bool> y, int bins = ReliabilityBins)
    {
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
    public static double LiftAt(ReadOnlySpan<double> p, ReadOnlySpan<bool> y, double share)
    {
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
    public static double Ks(ReadOnlySpan<double> p, ReadOnlySpan<bool> y)
    {
        var curve = Roc(p, y);
        return curve.Count == 0 ? double.NaN : curve.Max(point => point.Tpr - point.Fpr);
    }

    /// <summary>ROC points (false-positive rate, true-positive rate, threshold) from the top down, starting at (0, 0).</summary>
    public static IReadOnlyList<(double Fpr, double Tpr, double Threshold)> Roc(ReadOnlySpan<double> p, ReadOnlySpan<bool> y)
    {
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
    public static IReadOnlyList<(double Recall, double Precision)> PrecisionRecall(ReadOnlySpan<double> p, ReadOnlySpan<bool> y)
    {
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
    public static IReadOnlyList<(double Share, double Captured, double Lift)> Gains(ReadOnlySpan<double> p, ReadOnlySpan<bool> y)
    {
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
    public static double F1Threshold(ReadOnlySpan<double> p, ReadOnlySpan<bool> y)
    {
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
    public static (double Threshold, double Value) CostThreshold(ReadOnlySpan<double> p, ReadOnlySpan<bool> y, double actionCost, double successRate, double accountValue)
    {
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
}
