using System.Globalization;
using CsScoring.Data;

namespace CsScoring.Training.Churn;

/// <summary>
/// Fold assignments given in the data (<c>--fold-column</c>): one column per cross-validation repeat, holding each
/// row's fold as an integer. Another tool can then run the very same folds (a fair comparison of learners), and a
/// user can keep folds that respect a structure the trainer does not know.
/// </summary>
internal static class FoldColumns
{
    /// <summary>
    /// Reads the fold columns of the labelled rows (rows with a blank label are skipped, as the data set does). Each
    /// column's distinct values, in ascending order, become folds 0..K-1; every column must have the same K >= 2.
    /// </summary>
    public static int[][] Read(ChurnDataOptions options, IReadOnlyList<string> columns, int labelledRows)
    {
        using var reader = TabularReader.Open(options.DataPath, options.ReadOptions);
        var labelOrdinal = reader.GetOrdinal(options.Label);
        var ordinals = columns.Select(reader.GetOrdinal).ToArray();
        var raw = columns.Select(_ => new long[labelledRows]).ToArray();
        var row = 0;
        while (reader.Read())
        {
            if (reader.IsBlank(labelOrdinal))
            {
                continue;
            }

            if (row >= labelledRows)
            {
                throw new DataFormatException("the file changed while it was being read", reader.SourceName, reader.RowNumber, null);
            }

            for (var c = 0; c < ordinals.Length; c++)
            {
                var text = reader.GetSpan(ordinals[c]).Trim();
                if (!long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out raw[c][row]))
                {
                    throw reader.Error(ordinals[c], $"the fold '{text}' is not an integer (a fold column holds each row's fold number)");
                }
            }

            row++;
        }

        if (row != labelledRows)
        {
            throw new DataFormatException("the file changed while it was being read", reader.SourceName, null, null);
        }

        var result = new int[columns.Count][];
        int? folds = null;
        for (var c = 0; c < columns.Count; c++)
        {
            var distinct = raw[c].Distinct().Order().ToArray();
            if (distinct.Length < 2 || (folds is { } k && k != distinct.Length))
            {
                throw new DataFormatException(
                    string.Create(CultureInfo.InvariantCulture, $"fold column '{columns[c]}' has {distinct.Length} folds; each fold column needs the same number of folds, at least 2{(folds is null ? string.Empty : $" (the first has {folds})")}"),
                    reader.SourceName, null, columns[c]);
            }

            folds = distinct.Length;
            var index = distinct.Select((v, i) => (v, i)).ToDictionary(x => x.v, x => x.i);
            result[c] = [.. raw[c].Select(v => index[v])];
        }

        return result;
    }
}
