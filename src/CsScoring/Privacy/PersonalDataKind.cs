namespace CsScoring.Privacy;

/// <summary>What kind of personal data a column seems to hold.</summary>
public enum PersonalDataKind
{
    /// <summary>E-mail addresses.</summary>
    Email,

    /// <summary>Phone numbers.</summary>
    Phone,

    /// <summary>People's names.</summary>
    Name,

    /// <summary>Postal addresses.</summary>
    Address,

    /// <summary>IP addresses.</summary>
    IpAddress,

    /// <summary>Free text with a different value for nearly every account (a name, an address, a contact): it identifies the account's people.</summary>
    UniquePerAccount,
}

/// <summary>A column found to hold personal data. Names the column and why, never a value.</summary>
/// <param name="Name">The column.</param>
/// <param name="Kind">What it seems to hold.</param>
/// <param name="Reason">Why, in words, for a warning (header or share of accounts; no values).</param>
public sealed record PersonalColumn(string Name, PersonalDataKind Kind, string Reason);
