using CsScoring.Data;

namespace CsScoring.Health;

/// <summary>Binds a scorecard's metrics to the columns of a table and reads each row's values in metric order.</summary>
/// <remarks>Not thread-safe (it reads from one <see cref="TabularReader"/>).</remarks>
public sealed class ScorecardColumns
{
    private readonly TabularReader _reader;
    private readonly int[] _ordinals;

    private ScorecardColumns(TabularReader reader, int[] ordinals)
    {
        _reader = reader;
        _ordinals = ordinals;
    }

    /// <summary>The column index of each metric in the table.</summary>
    public IReadOnlyList<int> Ordinals => _ordinals;

    /// <summary>Finds every metric's column in the table's header.</summary>
    /// <param name="scorecard">The scorecard.</param>
    /// <param name="reader">The table.</param>
    /// <returns>The binding.</returns>
    /// <exception cref="DataFormatException">A metric's column is absent; the message names the metric and the column.</exception>
    public static ScorecardColumns Bind(CompiledScorecard scorecard, TabularReader reader)
    {
        ArgumentNullException.ThrowIfNull(scorecard);
        ArgumentNullException.ThrowIfNull(reader);
        var ordinals = new int[scorecard.MetricCount];
        for (var m = 0; m < ordinals.Length; m++)
        {
            var metric = scorecard.Metrics[m];
            if (!reader.TryGetOrdinal(metric.Column, out ordinals[m]))
            {
                throw new DataFormatException(
                    $"scorecard '{scorecard.Name}' metric '{metric.Name}' reads column '{metric.Column}', which is absent (columns: {string.Join(", ", reader.Columns)})",
                    reader.SourceName,
                    null,
                    metric.Column);
            }
        }

        return new ScorecardColumns(reader, ordinals);
    }

    /// <summary>Reads the current row's values in metric order; a blank cell is NaN (missing).</summary>
    /// <param name="values">Receives one value per metric.</param>
    /// <exception cref="DataFormatException">A cell is neither blank nor a number.</exception>
    /// <exception cref="ArgumentException"><paramref name="values"/> is shorter than the number of metrics.</exception>
    public void Read(Span<double> values)
    {
        if (values.Length < _ordinals.Length)
        {
            ThrowHelper.DestinationTooShort(nameof(values), _ordinals.Length, values.Length);
        }

        for (var m = 0; m < _ordinals.Length; m++)
        {
            values[m] = _reader.GetNumberOrFlagOrNaN(_ordinals[m]);
        }
    }
}
