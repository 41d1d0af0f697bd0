using System.Globalization;

namespace CsScoring.Health;

/// <summary>Checks a definition and reports the first problem with its JSON path.</summary>
internal static class ScorecardValidator
{
    public static void Validate(Scorecard scorecard, string? source)
    {
        ArgumentNullException.ThrowIfNull(scorecard);
        var context = new Context(source);
        if (string.IsNullOrWhiteSpace(scorecard.Name))
        {
            context.Fail("$.name", "the scorecard needs a name");
        }

        if (!double.IsFinite(scorecard.MinimumCoverage) || scorecard.MinimumCoverage < 0 || scorecard.MinimumCoverage > 1)
        {
            context.Fail("$.minimum_coverage", $"must be a share between 0 and 1, not {Format(scorecard.MinimumCoverage)}");
        }

        if (!double.IsFinite(scorecard.TrendDeadBand) || scorecard.TrendDeadBand < 0)
        {
            context.Fail("$.trend_dead_band", $"must be a finite number of points >= 0, not {Format(scorecard.TrendDeadBand)}");
        }

        ValidateBands(scorecard.Bands, context);
        if (scorecard.Groups is null || scorecard.Groups.Count == 0)
        {
            context.Fail("$.groups", "the scorecard needs at least one group");
        }

        ValidateSiblings("$", scorecard.Groups, [], context);
    }

    private static void ValidateBands(IReadOnlyList<HealthBand>? bands, Context context)
    {
        if (bands is null || bands.Count == 0)
        {
            context.Fail("$.bands", "at least one band is required");
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < bands.Count; i++)
        {
            var path = $"$.bands[{i}]";
            var band = bands[i] ?? context.Fail<HealthBand>(path, "a band cannot be null");
            if (string.IsNullOrWhiteSpace(band.Name))
            {
                context.Fail(path + ".name", "a band needs a name");
            }

            if (!names.Add(band.Name))
            {
                context.Fail(path + ".name", $"the band name '{band.Name}' is used twice");
            }

            if (!double.IsFinite(band.From) || band.From < 0 || band.From > 100)
            {
                context.Fail(path + ".from", $"must be a score between 0 and 100, not {Format(band.From)}");
            }

            if (i == 0 && band.From != 0)
            {
                context.Fail(path + ".from", $"the first band must start at 0, not {Format(band.From)}");
            }

            if (i > 0 && band.From <= bands[i - 1].From)
            {
                context.Fail(path + ".from", $"bands must start at strictly increasing scores ({Format(band.From)} follows {Format(bands[i - 1].From)})");
            }
        }
    }

    private static void ValidateSiblings(string parentPath, IReadOnlyList<ScorecardGroup>? groups, IReadOnlyList<ScorecardMetric>? metrics, Context context)
    {
        var total = 0.0;
        var count = 0;
        if (metrics is null)
        {
            context.Fail(parentPath + ".metrics", "must be a list (it may be empty)");
        }

        if (groups is null)
        {
            context.Fail(parentPath + ".groups", "must be a list (it may be empty)");
        }

        for (var i = 0; i < metrics.Count; i++)
        {
            var path = $"{parentPath}.metrics[{i}]";
            var metric = metrics[i] ?? context.Fail<ScorecardMetric>(path, "a metric cannot be null");
            ValidateMetric(path, metric, context);
            total += metric.Weight;
            count++;
        }

        for (var i = 0; i < groups.Count; i++)
        {
            var path = $"{parentPath}.groups[{i}]";
            var group = groups[i] ?? context.Fail<ScorecardGroup>(path, "a group cannot be null");
            if (string.IsNullOrWhiteSpace(group.Name))
            {
                context.Fail(path + ".name", "a group needs a name");
            }

            if (!context.Groups.Add(group.Name))
            {
                context.Fail(path + ".name", $"the group name '{group.Name}' is used twice");
            }

            ValidateWeight(path + ".weight", group.Weight, context);
            if ((group.Metrics?.Count ?? 0) + (group.Groups?.Count ?? 0) == 0)
            {
                context.Fail(path, $"group '{group.Name}' has no metrics and no nested groups");
            }

            ValidateSiblings(path, group.Groups, group.Metrics, context);
            total += group.Weight;
            count++;
        }

        if (count > 0 && total <= 0)
        {
            var what = parentPath == "$" ? "the scorecard's top-level groups" : $"the children of {parentPath}";
            context.Fail(parentPath + (metrics.Count > 0 ? ".metrics" : ".groups"), $"the weights of {what} are all zero; at least one must be > 0");
        }
    }

    private static void ValidateMetric(string path, ScorecardMetric metric, Context context)
    {
        if (string.IsNullOrWhiteSpace(metric.Column))
        {
            context.Fail(path + ".column", "a metric needs an input column");
        }

        if (metric.Name is not null && string.IsNullOrWhiteSpace(metric.Name))
        {
            context.Fail(path + ".name", "a metric name cannot be blank (omit it to use the column)");
        }

        if (!context.Metrics.Add(metric.DisplayName))
        {
            context.Fail(path + (metric.Name is null ? ".column" : ".name"), $"the metric name '{metric.DisplayName}' is used twice (give one a distinct name)");
        }

        ValidateWeight(path + ".weight", metric.Weight, context);
        if (!Enum.IsDefined(metric.Direction))
        {
            context.Fail(path + ".direction", $"unknown direction {(int)metric.Direction}");
        }

        switch (metric.Missing)
        {
            case MissingDataPolicy.Constant:
                if (metric.MissingValue is not { } value || !double.IsFinite(value))
                {
                    context.Fail(path + ".missing_value", "the 'constant' missing-data policy needs a finite missing_value");
                }

                break;
            case MissingDataPolicy.Redistribute or MissingDataPolicy.Worst:
                if (metric.MissingValue is not null)
                {
                    context.Fail(path + ".missing_value", $"missing_value is used only with the 'constant' policy, not '{Snake(metric.Missing)}'");
                }

                break;
            default:
                context.Fail(path + ".missing", $"unknown missing-data policy {(int)metric.Missing}");
                break;
        }

        if (metric.Scaling is null)
        {
            context.Fail(path + ".scaling", "a metric needs a scaling");
        }

        ValidateScaling(path + ".scaling", metric.Scaling, metric.Direction, context);
    }

    private static void ValidateScaling(string path, MetricScaling scaling, MetricDirection direction, Context context)
    {
        var kind = Snake(scaling.Kind);
        void Unused(string field, object? value)
        {
            if (value is not null)
            {
                context.Fail($"{path}.{field}", $"'{field}' is not used by a {kind} scaling");
            }
        }

        switch (scaling.Kind)
        {
            case ScalingKind.Linear:
            case ScalingKind.Logarithmic:
                Unused("cuts", scaling.Cuts);
                Unused("at", scaling.At);
                Unused("points", scaling.Points);
                Unused("reference", scaling.Reference);
                if (scaling.Kind == ScalingKind.Linear)
                {
                    Unused("offset", scaling.Offset);
                }

                var min = Required(path + ".min", scaling.Min, context);
                var max = Required(path + ".max", scaling.Max, context);
                if (max <= min)
                {
                    context.Fail(path + ".max", $"max ({Format(max)}) must be greater than min ({Format(min)})");
                }

                if (scaling.Kind == ScalingKind.Logarithmic)
                {
                    var offset = scaling.Offset ?? 1.0;
                    if (!double.IsFinite(offset))
                    {
                        context.Fail(path + ".offset", $"must be finite, not {Format(offset)}");
                    }

                    if (min + offset <= 0)
                    {
                        context.Fail(path + ".offset", $"min + offset must be > 0 for the logarithm (min {Format(min)}, offset {Format(offset)})");
                    }
                }

                break;
            case ScalingKind.Thresholds:
                Unused("min", scaling.Min);
                Unused("max", scaling.Max);
                Unused("offset", scaling.Offset);
                Unused("at", scaling.At);
                Unused("reference", scaling.Reference);
                var cuts = scaling.Cuts ?? context.Fail<IReadOnlyList<double>>(path + ".cuts", "a thresholds scaling needs cuts");
                var points = scaling.Points ?? context.Fail<IReadOnlyList<double>>(path + ".points", "a thresholds scaling needs points");
                if (cuts.Count == 0)
                {
                    context.Fail(path + ".cuts", "at least one cut-off is required");
                }

                Increasing(path + ".cuts", cuts, context);
                if (points.Count != cuts.Count + 1)
                {
                    context.Fail(path + ".points", $"needs one more entry than cuts ({cuts.Count + 1}), not {points.Count}");
                }

                ValidatePoints(path + ".points", points, direction, context);
                break;
            case ScalingKind.Piecewise:
                Unused("min", scaling.Min);
                Unused("max", scaling.Max);
                Unused("offset", scaling.Offset);
                Unused("cuts", scaling.Cuts);
                Unused("reference", scaling.Reference);
                var at = scaling.At ?? context.Fail<IReadOnlyList<double>>(path + ".at", "a piecewise scaling needs 'at' values");
                var through = scaling.Points ?? context.Fail<IReadOnlyList<double>>(path + ".points", "a piecewise scaling needs points");
                if (at.Count < 2)
                {
                    context.Fail(path + ".at", "at least two points are required");
                }

                Increasing(path + ".at", at, context);
                if (through.Count != at.Count)
                {
                    context.Fail(path + ".points", $"needs as many entries as 'at' ({at.Count}), not {through.Count}");
                }

                ValidatePoints(path + ".points", through, direction, context);
                break;
            case ScalingKind.Percentile:
                Unused("min", scaling.Min);
                Unused("max", scaling.Max);
                Unused("offset", scaling.Offset);
                Unused("cuts", scaling.Cuts);
                Unused("at", scaling.At);
                Unused("points", scaling.Points);
                if (scaling.Reference is { } reference)
                {
                    var finite = 0;
                    for (var i = 0; i < reference.Count; i++)
                    {
                        if (double.IsFinite(reference[i]))
                        {
                            finite++;
                        }
                    }

                    if (finite == 0)
                    {
                        context.Fail(path + ".reference", "the reference population has no finite value");
                    }
                }

                break;
            default:
                context.Fail(path + ".kind", $"unknown scaling kind {(int)scaling.Kind}");
                break;
        }
    }

    private static void ValidatePoints(string path, IReadOnlyList<double> points, MetricDirection direction, Context context)
    {
        for (var i = 0; i < points.Count; i++)
        {
            if (!double.IsFinite(points[i]) || points[i] < 0 || points[i] > 100)
            {
                context.Fail($"{path}[{i}]", $"points must be between 0 and 100, not {Format(points[i])}");
            }

            if (i > 0 && direction == MetricDirection.HigherIsBetter && points[i] < points[i - 1])
            {
                context.Fail($"{path}[{i}]", $"points of a higher-is-better metric must not fall as the value rises ({Format(points[i])} after {Format(points[i - 1])})");
            }

            if (i > 0 && direction == MetricDirection.LowerIsBetter && points[i] > points[i - 1])
            {
                context.Fail($"{path}[{i}]", $"points of a lower-is-better metric must not rise as the value rises ({Format(points[i])} after {Format(points[i - 1])})");
            }
        }
    }

    private static void Increasing(string path, IReadOnlyList<double> values, Context context)
    {
        for (var i = 0; i < values.Count; i++)
        {
            if (!double.IsFinite(values[i]))
            {
                context.Fail($"{path}[{i}]", $"must be finite, not {Format(values[i])}");
            }

            if (i > 0 && values[i] <= values[i - 1])
            {
                context.Fail($"{path}[{i}]", $"values must be strictly increasing ({Format(values[i])} follows {Format(values[i - 1])})");
            }
        }
    }

    private static double Required(string path, double? value, Context context)
    {
        if (value is not { } v)
        {
            return context.Fail<double>(path, "is required");
        }

        if (!double.IsFinite(v))
        {
            context.Fail(path, $"must be finite, not {Format(v)}");
        }

        return v;
    }

    private static void ValidateWeight(string path, double weight, Context context)
    {
        if (double.IsNaN(weight) || double.IsInfinity(weight))
        {
            context.Fail(path, $"a weight must be a finite number, not {Format(weight)}");
        }

        if (weight < 0)
        {
            context.Fail(path, $"a weight must be >= 0, not {Format(weight)}");
        }
    }

    internal static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    internal static string Snake<TEnum>(TEnum value)
        where TEnum : struct, Enum
        => System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName(value.ToString());

    private sealed class Context(string? source)
    {
        public HashSet<string> Groups { get; } = new(StringComparer.Ordinal);

        public HashSet<string> Metrics { get; } = new(StringComparer.Ordinal);

        [System.Diagnostics.CodeAnalysis.DoesNotReturn]
        public void Fail(string path, string problem) => throw new ScorecardException(problem, path, source);

        [System.Diagnostics.CodeAnalysis.DoesNotReturn]
        public T Fail<T>(string path, string problem) => throw new ScorecardException(problem, path, source);
    }
}
