using System.Buffers;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using CsScoring.Data;

namespace CsScoring.Privacy;

/// <summary>
/// Finds columns that hold people's data (e-mails, phone numbers, names, postal addresses, IP addresses) by their
/// header and by their content, judged per account: each distinct (account, value) pair counts once, so a value
/// repeated across monthly snapshots weighs as much as one row of an account table.
/// </summary>
/// <remarks>
/// Memory and time are bounded: at most <see cref="MaxPairsPerColumn"/> distinct pairs per column are examined (a
/// deterministic prefix of the file, ample for judging shares), each kept as one 64-bit hash, so a column costs
/// about 1.6 MB at most however long the file is; cells past the cap cost a comparison. A column's first 1,024
/// distinct values are held with how they read, so a repeated value is not read again. Not thread-safe. The scanner
/// keeps hashes of values (and, while scanning, those first values), never reports a value.
/// </remarks>
/// <example>
/// <code>
/// var scanner = new PersonalDataScanner(reader.Columns);
/// while (reader.Read()) { for (var c = 0; c &lt; n; c++) scanner.Add(c, reader.GetSpan(idOrdinal), reader.GetSpan(c)); }
/// foreach (var column in scanner.Build()) Console.Error.WriteLine($"{column.Name}: {column.Reason}");
/// </code>
/// </example>
public sealed class PersonalDataScanner
{
    /// <summary>Distinct (account, value) pairs examined per column.</summary>
    public const int MaxPairsPerColumn = 50_000;

    /// <summary>The fewest accounts with a value before "a different value for nearly every account" is judged.</summary>
    public const int MinAccountsForUniqueness = 20;

    private static readonly string[] StreetWords =
    [
        "street", "st", "st.", "avenue", "ave", "ave.", "road", "rd", "rd.", "lane", "ln", "drive", "dr", "dr.", "boulevard", "blvd",
        "way", "court", "ct", "place", "pl", "square", "sq", "terrace", "highway", "hwy", "parkway", "pkwy", "strasse", "straße",
        "str.", "weg", "rue", "via", "calle", "avenida", "plaza", "close", "crescent",
    ];

    private static readonly SearchValues<char> Digits = SearchValues.Create("0123456789");
    private static readonly SearchValues<char> IpV4Characters = SearchValues.Create("0123456789.");
    private static readonly SearchValues<char> PhoneSeparators = SearchValues.Create("-() ");

    private readonly string[] _names;
    private readonly ColumnState[] _columns;

    /// <summary>Creates a scanner for a table's columns.</summary>
    /// <param name="columns">The column names, in the order of <see cref="Add"/>'s ordinals.</param>
    public PersonalDataScanner(IReadOnlyList<string> columns)
    {
        ArgumentNullException.ThrowIfNull(columns);
        _names = [.. columns];
        _columns = [.. columns.Select(_ => new ColumnState())];
    }

    /// <summary>Adds one cell.</summary>
    /// <param name="column">The column's ordinal.</param>
    /// <param name="account">The account the row belongs to (the identifier; the row number when there is none).</param>
    /// <param name="value">The cell.</param>
    public void Add(int column, ReadOnlySpan<char> account, ReadOnlySpan<char> value)
    {
        var state = _columns[column];
        if (state.Pairs.Count >= MaxPairsPerColumn)
        {
            return;
        }

        var text = value.Trim();
        if (text.IsEmpty)
        {
            return;
        }

        var accountHash = Fnv1a(account);
        var valueHash = Fnv1a(text);
        if (!state.Pairs.Add(PairHash(accountHash, valueHash)))
        {
            return;
        }

        state.Accounts.Add(accountHash);
        state.Values.Add(valueHash);
        state.NonBlank++;
        var kind = state.Kinds.Find(valueHash, text);
        if (kind == ValueKind.Unknown)
        {
            kind = Classify(text);
            state.Kinds.TryAdd(valueHash, text, kind);
        }

        if ((kind & ValueKind.Numeric) != 0)
        {
            state.Numeric++;
            if ((kind & ValueKind.Small) != 0)
            {
                state.SmallNumbers++;
            }
        }

        switch (kind & ValueKind.ShapeMask)
        {
            case ValueKind.Date:
                state.Dates++;
                break;
            case ValueKind.Email:
                state.Email++;
                break;
            case ValueKind.Ip:
                state.Ip++;
                break;
            case ValueKind.Phone:
                state.Phone++;
                break;
            case ValueKind.Address:
                state.Address++;
                break;
            case ValueKind.PersonName:
                state.PersonName++;
                break;
        }
    }

    // What a value reads as; a pure function of its text, so a column's repeated values are read once.
    private static ValueKind Classify(ReadOnlySpan<char> text)
    {
        if (IsPlainDecimal(text, out var digits))
        {
            // Every shape test below says no to a plain decimal, but for the phone test's signed 7 to 15 digits.
            CellText.ParseNumber(text, TabularReadOptions.Default, '.', out var plain);
            return ValueKind.Classified | ValueKind.Numeric
                | (Math.Abs(plain) < 1_000_000 ? ValueKind.Small : ValueKind.Unknown)
                | (digits >= 7 && text[0] is '+' or '-' ? ValueKind.Phone : ValueKind.Unknown);
        }

        var kind = ValueKind.Classified;
        // A number in either decimal style ("1,234.5" or a European "1.234,5") is a number, never free text.
        if (CellText.ParseNumber(text, TabularReadOptions.Default, '.', out var number) == NumberCell.Number
            || CellText.ParseNumber(text, TabularReadOptions.Default, ',', out number) == NumberCell.Number)
        {
            kind |= ValueKind.Numeric;
            if (Math.Abs(number) < 1_000_000)
            {
                kind |= ValueKind.Small;
            }
        }

        if (LooksLikeDate(text) || IsDate(text))
        {
            // Dates ("2024-03-01", "01/03/2025") have the digits and dashes of a phone number; they are not one.
            return kind | ValueKind.Date;
        }

        return kind | (LooksLikeEmail(text) ? ValueKind.Email
            : LooksLikeIp(text) ? ValueKind.Ip
            : LooksLikePhone(text) ? ValueKind.Phone
            : LooksLikeAddress(text) ? ValueKind.Address
            : LooksLikePersonName(text) ? ValueKind.PersonName
            : ValueKind.Classified);
    }

    // An optional sign, then up to 15 digits with at most one decimal point: what the number parser reads exactly.
    private static bool IsPlainDecimal(ReadOnlySpan<char> text, out int digits)
    {
        digits = 0;
        var point = false;
        for (var i = text.Length > 0 && text[0] is '+' or '-' ? 1 : 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsAsciiDigit(c))
            {
                digits++;
            }
            else if (c == '.' && !point)
            {
                point = true;
            }
            else
            {
                return false;
            }
        }

        return digits is > 0 and <= 15;
    }

    /// <summary>The columns that look personal, in column order.</summary>
    /// <returns>The columns; empty when none.</returns>
    public IReadOnlyList<PersonalColumn> Build()
    {
        var found = new List<PersonalColumn>();
        for (var c = 0; c < _columns.Length; c++)
        {
            if (Judge(_names[c], _columns[c]) is { } column)
            {
                found.Add(column);
            }
        }

        return found;
    }

    /// <summary>The personal-data kind a header names (<c>email</c>, <c>phone</c>, <c>first_name</c>, <c>street_address</c>, <c>ip</c>, ...), if any.</summary>
    /// <param name="header">The column header.</param>
    /// <returns>The kind, or <see langword="null"/>.</returns>
    public static PersonalDataKind? KindFromHeader(string header)
    {
        ArgumentNullException.ThrowIfNull(header);
        var n = header.Trim().ToLowerInvariant().Replace('-', '_').Replace(' ', '_');
        var words = n.Split('_', StringSplitOptions.RemoveEmptyEntries);
        if (n.Contains("email", StringComparison.Ordinal) || n.Contains("e_mail", StringComparison.Ordinal))
        {
            return PersonalDataKind.Email;
        }

        if (n.Contains("phone", StringComparison.Ordinal) || words.Contains("mobile") || words.Contains("tel") || words.Contains("fax"))
        {
            return PersonalDataKind.Phone;
        }

        if (words.Contains("address") || words.Contains("street") || words.Contains("addr") || n is "address_line_1" or "address1" or "postal_address")
        {
            return words.Contains("ip") ? PersonalDataKind.IpAddress : PersonalDataKind.Address;
        }

        if (words.Contains("ip") || n is "ipv4" or "ipv6" or "ip_addr")
        {
            return PersonalDataKind.IpAddress;
        }

        string[] personNames = ["name", "firstname", "lastname", "surname", "fullname", "contact", "person", "champion", "signatory"];
        if (words.Any(w => personNames.Contains(w)) && !words.Any(w => w is "plan" or "product" or "feature" or "segment" or "tier" or "industry" or "region" or "country" or "package" or "file"))
        {
            return PersonalDataKind.Name;
        }

        return null;
    }

    private static PersonalColumn? Judge(string name, ColumnState state)
    {
        var n = state.NonBlank;
        if (n == 0)
        {
            return null;
        }

        var share = (Func<long, double>)(count => (double)count / n);
        var perAccount = " of the account values";
        if (share(state.Email) >= 0.5)
        {
            return new PersonalColumn(name, PersonalDataKind.Email, Percent(share(state.Email)) + perAccount + " are e-mail addresses");
        }

        if (share(state.Ip) >= 0.5)
        {
            return new PersonalColumn(name, PersonalDataKind.IpAddress, Percent(share(state.Ip)) + perAccount + " are IP addresses");
        }

        if (share(state.Phone) >= 0.6)
        {
            return new PersonalColumn(name, PersonalDataKind.Phone, Percent(share(state.Phone)) + perAccount + " are phone numbers");
        }

        if (share(state.Address) >= 0.5)
        {
            return new PersonalColumn(name, PersonalDataKind.Address, Percent(share(state.Address)) + perAccount + " are postal addresses");
        }

        var accounts = state.Accounts.DistinctCount();
        var values = state.Values.DistinctCount();
        var uniqueText = accounts >= MinAccountsForUniqueness && values >= 0.8 * accounts && share(state.Numeric + state.Dates) < 0.5;
        if (uniqueText && share(state.PersonName) >= 0.8)
        {
            return new PersonalColumn(name, PersonalDataKind.Name, Percent(share(state.PersonName)) + perAccount + " read like people's names, a different one for nearly every account");
        }

        // Yes/no flags and small numbers under a personal-sounding header ("email_opt_in", "phone_calls") are not personal data.
        if (KindFromHeader(name) is { } kind && share(state.SmallNumbers) < 0.5 && values > 2)
        {
            return new PersonalColumn(name, kind, "the header names " + Describe(kind));
        }

        if (uniqueText)
        {
            return new PersonalColumn(name, PersonalDataKind.UniquePerAccount, string.Create(CultureInfo.InvariantCulture,
                $"free text with {values} distinct values over {accounts} accounts (like a name, an address or a contact)"));
        }

        return null;
    }

    private static string Describe(PersonalDataKind kind) => kind switch
    {
        PersonalDataKind.Email => "e-mail addresses",
        PersonalDataKind.Phone => "phone numbers",
        PersonalDataKind.Name => "people's names",
        PersonalDataKind.Address => "postal addresses",
        PersonalDataKind.IpAddress => "IP addresses",
        _ => "personal data",
    };

    // A fixed hash (unlike string.GetHashCode, randomised per process) keeps the decisions the same run after run.
    private static long Fnv1a(ReadOnlySpan<char> text)
    {
        var hash = 14695981039346656037UL;
        foreach (var c in text)
        {
            hash = (hash ^ c) * 1099511628211UL;
        }

        return (long)hash;
    }

    // One 64-bit key per (account, value) pair: a quarter of the tuple set's memory; a collision among 50,000 pairs
    // has a chance near 1e-10.
    private static long PairHash(long account, long value)
    {
        var hash = (ulong)account * 0x9E3779B97F4A7C15UL ^ (ulong)value;
        hash ^= hash >> 31;
        hash *= 0xBF58476D1CE4E5B9UL;
        return (long)(hash ^ (hash >> 29));
    }

    private static string Percent(double share) => share.ToString("0%", CultureInfo.InvariantCulture);

    // An ambiguous day/month date is still a date: the reader refuses it later, with the file, row and column.
    private static bool IsDate(ReadOnlySpan<char> text)
    {
        try
        {
            return CsScoring.Churn.Features.DateText.TryParse(text, out _);
        }
        catch (DataFormatException)
        {
            return true;
        }
    }

    internal static bool LooksLikeEmail(ReadOnlySpan<char> text)
    {
        if (text.Length > 254)
        {
            return false;
        }

        var at = text.IndexOf('@');
        if (at <= 0 || at != text.LastIndexOf('@') || text.Contains(' '))
        {
            return false;
        }

        var domain = text[(at + 1)..];
        var dot = domain.LastIndexOf('.');
        return dot > 0 && dot < domain.Length - 2;
    }

    internal static bool LooksLikeIp(ReadOnlySpan<char> text)
    {
        if (text.Count('.') == 3 && !text.ContainsAnyExcept(IpV4Characters))
        {
            return IPAddress.TryParse(text, out var v4) && v4.AddressFamily == AddressFamily.InterNetwork;
        }

        return text.Count(':') >= 2 && IPAddress.TryParse(text, out var v6) && v6.AddressFamily == AddressFamily.InterNetworkV6;
    }

    // Digit groups of date shapes (yyyy-MM-dd, dd/MM/yyyy, MM.dd.yy, with an optional time after a space or 'T').
    internal static bool LooksLikeDate(ReadOnlySpan<char> text)
    {
        var end = text.IndexOfAny(' ', 'T');
        var date = end > 0 ? text[..end] : text;
        Span<Range> parts = stackalloc Range[4];
        var count = date.SplitAny(parts, "-/.", StringSplitOptions.None);
        if (count != 3)
        {
            return false;
        }

        var lengths = (date[parts[0]].Length, date[parts[1]].Length, date[parts[2]].Length);
        foreach (var part in parts[..3])
        {
            if (date[part].IsEmpty || date[part].ContainsAnyExcept(Digits))
            {
                return false;
            }
        }

        return lengths is (4, 1 or 2, 1 or 2) or (1 or 2, 1 or 2, 2 or 4);
    }

    internal static bool LooksLikePhone(ReadOnlySpan<char> text)
    {
        if (text.Length is < 7 or > 24)
        {
            return false;
        }

        var digits = 0;
        foreach (var c in text)
        {
            if (char.IsAsciiDigit(c))
            {
                digits++;
            }
            else if (c is not ('+' or '-' or ' ' or '(' or ')' or '.'))
            {
                return false;
            }
        }

        // A bare 7-15 digit number is as likely an amount as a phone number: only a separator or a leading + says phone.
        return digits is >= 7 and <= 15 && (text.ContainsAny(PhoneSeparators) || text[0] == '+');
    }

    internal static bool LooksLikeAddress(ReadOnlySpan<char> text)
    {
        if (text.Length is < 6 or > 200 || !text.ContainsAny(Digits))
        {
            return false;
        }

        Span<Range> parts = stackalloc Range[16];
        var count = text.SplitAny(parts, " ,", StringSplitOptions.RemoveEmptyEntries);
        if (count < 2)
        {
            return false;
        }

        for (var i = 0; i < count; i++)
        {
            var word = text[parts[i]];
            foreach (var street in StreetWords)
            {
                if (word.Equals(street, StringComparison.OrdinalIgnoreCase) || word.EndsWith("strasse", StringComparison.OrdinalIgnoreCase) || word.EndsWith("straße", StringComparison.OrdinalIgnoreCase))
                {
                    return true;
                }
            }
        }

        return false;
    }

    // "Ada Lovelace", "Jean-Luc O'Neill": two to four capitalised words of letters.
    internal static bool LooksLikePersonName(ReadOnlySpan<char> text)
    {
        if (text.Length is < 4 or > 80)
        {
            return false;
        }

        Span<Range> parts = stackalloc Range[8];
        var count = text.Split(parts, ' ', StringSplitOptions.RemoveEmptyEntries);
        if (count is < 2 or > 4)
        {
            return false;
        }

        for (var i = 0; i < count; i++)
        {
            var word = text[parts[i]];
            if (word.Length < 2 || !char.IsUpper(word[0]))
            {
                return false;
            }

            foreach (var c in word)
            {
                if (!char.IsLetter(c) && c is not ('-' or '\'' or '.'))
                {
                    return false;
                }
            }
        }

        return true;
    }

    private sealed class ColumnState
    {
        public LongSet Pairs { get; } = new();

        public HashTally Accounts { get; } = new();

        public HashTally Values { get; } = new();

        public ValueKinds Kinds { get; } = new();

        public long NonBlank { get; set; }

        public long Numeric { get; set; }

        public long SmallNumbers { get; set; }

        public long Dates { get; set; }

        public long Email { get; set; }

        public long Phone { get; set; }

        public long Ip { get; set; }

        public long Address { get; set; }

        public long PersonName { get; set; }
    }
}
