using System.Globalization;

namespace CsScoring.Churn.Features;

/// <summary>
/// What one pass over a column saw: counts of blank, numeric, boolean and date cells, its most frequent text values
/// and a sample of its numbers. The basis of type inference and of imputation values.
/// </summary>
/// <remarks>Built by <see cref="ColumnProfiler"/>; immutable and thread-safe.</remarks>
public sealed class ColumnProfile
{
    /// <summary>Share of non-blank cells that must parse for a column to count as numeric or as dates.</summary>
    public const double ParseShare = 0.9;

    internal ColumnProfile(string name, long rows, long blank, long numeric, long boolean, long date, long trues,
        IReadOnlyList<KeyValuePair<string, long>> values, bool valuesTruncated, double median, double dateMedian,
        bool integersOnly, long emailLike, long phoneLike)
    {
        Name = name;
        Rows = rows;
        Blank = blank;
        NumericCount = numeric;
        BooleanCount = boolean;
        DateCount = date;
        TrueCount = trues;
        TopValues = values;
        DistinctTruncated = valuesTruncated;
        NumericMedian = median;
        DateMedian = dateMedian;
        IntegersOnly = integersOnly;
        EmailLikeCount = emailLike;
        PhoneLikeCount = phoneLike;
    }

    /// <summary>The column name.</summary>
    public string Name { get; }

    /// <summary>Rows seen.</summary>
    public long Rows { get; }

    /// <summary>Missing cells: empty, white space or a missing-value marker (<c>NA</c>, <c>NULL</c>, ...; see <see cref="Data.TabularReadOptions"/>).</summary>
    public long Blank { get; }

    /// <summary>Non-blank cells.</summary>
    public long NonBlank => Rows - Blank;

    /// <summary>Cells that parse as a (non-NaN) number with the invariant culture.</summary>
    public long NumericCount { get; }

    /// <summary>Cells in one of the yes/no spellings (see <see cref="BooleanText"/>).</summary>
    public long BooleanCount { get; }

    /// <summary>Cells that parse as a date.</summary>
    public long DateCount { get; }

    /// <summary>Boolean cells that read as true.</summary>
    public long TrueCount { get; }

    /// <summary>Distinct trimmed values with their counts, most frequent first (ties in ordinal order); capped.</summary>
    public IReadOnlyList<KeyValuePair<string, long>> TopValues { get; }

    /// <summary>Whether there were more distinct values than the profiler keeps.</summary>
    public bool DistinctTruncated { get; }

    /// <summary>The number of distinct values, or a lower bound when <see cref="DistinctTruncated"/>.</summary>
    public int DistinctCount => TopValues.Count;

    /// <summary>The median of the numeric cells (exact up to the profiler's sample size, else from a seeded
    /// sample); NaN when there are none.</summary>
    public double NumericMedian { get; }

    /// <summary>The median of the date cells in days (relative to the row's time column when profiled with one);
    /// NaN when there are none.</summary>
    public double DateMedian { get; }

    /// <summary>Whether every numeric cell is a whole number.</summary>
    public bool IntegersOnly { get; }

    /// <summary>Cells that look like e-mail addresses.</summary>
    public long EmailLikeCount { get; }

    /// <summary>Cells that look like phone numbers.</summary>
    public long PhoneLikeCount { get; }

    /// <summary>Guesses what the column is.</summary>
    /// <returns>The kind; <see cref="InferredColumnKind.Identifier"/>, <see cref="InferredColumnKind.PersonalData"/>,
    /// <see cref="InferredColumnKind.Empty"/> and <see cref="InferredColumnKind.Constant"/> are not features.</returns>
    /// <remarks>
    /// Order of the rules: all blank → empty; e-mail or phone values, or a name-like header over free text → personal
    /// data; every value a yes/no spelling → boolean; at least <see cref="ParseShare"/> numeric → numeric (or an
    /// identifier when whole, all distinct and the header says id); at least that share dates → date; else text:
    /// an identifier when nearly every value is distinct, otherwise categorical. One distinct value → constant.
    /// </remarks>
    public InferredColumnKind Infer()
    {
        var nonBlank = NonBlank;
        if (nonBlank == 0)
        {
            return InferredColumnKind.Empty;
        }

        if (EmailLikeCount >= nonBlank / 2.0 || PhoneLikeCount >= nonBlank * 0.8 && NumericCount < nonBlank)
        {
            return InferredColumnKind.PersonalData;
        }

        var nearlyUnique = DistinctTruncated || (nonBlank >= 20 && DistinctCount >= 0.9 * nonBlank);
        if (BooleanCount == nonBlank && DistinctCount <= 4)
        {
            return DistinctCount == 1 ? InferredColumnKind.Constant : InferredColumnKind.Boolean;
        }

        if (NumericCount >= ParseShare * nonBlank)
        {
            if (IntegersOnly && nearlyUnique && LooksLikeIdName(Name))
            {
                return InferredColumnKind.Identifier;
            }

            return DistinctCount == 1 ? InferredColumnKind.Constant : InferredColumnKind.Numeric;
        }

        if (DateCount >= ParseShare * nonBlank)
        {
            return DistinctCount == 1 ? InferredColumnKind.Constant : InferredColumnKind.Date;
        }

        if (LooksLikePersonName(Name) && DistinctCount >= 0.5 * Math.Min(nonBlank, 1000))
        {
            return InferredColumnKind.PersonalData;
        }

        if (nearlyUnique || LooksLikeIdName(Name) && DistinctCount >= 0.5 * nonBlank)
        {
            return InferredColumnKind.Identifier;
        }

        return DistinctCount == 1 ? InferredColumnKind.Constant : InferredColumnKind.Categorical;
    }

    /// <summary>Whether a header reads like an identifier (<c>id</c>, <c>customerID</c>, <c>account_id</c>, <c>uuid</c>, ...).</summary>
    /// <param name="name">The header.</param>
    /// <returns>The guess.</returns>
    public static bool LooksLikeIdName(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var n = name.Trim();
        return n.Equals("id", StringComparison.OrdinalIgnoreCase)
            || n.EndsWith("_id", StringComparison.OrdinalIgnoreCase) || n.EndsWith("-id", StringComparison.OrdinalIgnoreCase)
            || n.EndsWith(" id", StringComparison.OrdinalIgnoreCase)
            || (n.Length > 2 && n.EndsWith("ID", StringComparison.Ordinal))
            || (n.Length > 2 && n.EndsWith("Id", StringComparison.Ordinal) && char.IsLower(n[^3]))
            || n.Contains("uuid", StringComparison.OrdinalIgnoreCase) || n.Contains("guid", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>Whether a header reads like a person's name, e-mail or phone (<c>name</c>, <c>first_name</c>, <c>email</c>, ...).</summary>
    /// <param name="name">The header.</param>
    /// <returns>The guess.</returns>
    public static bool LooksLikePersonName(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var n = name.Trim().ToLowerInvariant().Replace('-', '_').Replace(' ', '_');
        string[] hints = ["name", "first_name", "firstname", "last_name", "lastname", "surname", "full_name", "fullname",
            "contact", "contact_name", "customer_name", "email", "e_mail", "phone", "mobile", "address", "street"];
        return hints.Contains(n) || n.EndsWith("_name", StringComparison.Ordinal) && !n.Contains("plan", StringComparison.Ordinal)
            || n.Contains("email", StringComparison.Ordinal) || n.Contains("phone", StringComparison.Ordinal);
    }

    /// <inheritdoc />
    public override string ToString()
        => string.Create(CultureInfo.InvariantCulture, $"{Name}: {Rows} rows, {Blank} blank, {NumericCount} numeric, {DistinctCount}{(DistinctTruncated ? "+" : string.Empty)} distinct");
}
