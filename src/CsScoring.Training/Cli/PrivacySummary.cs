using CsScoring.Privacy;
using CsScoring.Training.Reporting;

namespace CsScoring.Training.Cli;

/// <summary>
/// The <c>privacy</c> section of a command's JSON and report: which columns were treated as personal data, which
/// were dropped or kept at the user's request, and which ids were pseudonymised. Names only, never values.
/// </summary>
internal sealed class PrivacySummary
{
    public List<PersonalColumn> Personal { get; } = [];

    public SortedSet<string> Allowed { get; } = new(StringComparer.Ordinal);

    /// <summary>Columns whose values were replaced by pseudonyms, per output ("account_id").</summary>
    public SortedSet<string> PseudonymisedColumns { get; } = new(StringComparer.Ordinal);

    public string? KeyFingerprint { get; set; }

    public void AddPersonal(IEnumerable<PersonalColumn> columns, IEnumerable<string> allowed)
    {
        foreach (var column in columns.Where(c => !Personal.Any(p => p.Name == c.Name)))
        {
            Personal.Add(column);
        }

        Allowed.UnionWith(allowed);
    }

    public void Pseudonymised(Pseudonymizer? pseudonymizer, string? column)
    {
        if (pseudonymizer is null || column is null)
        {
            return;
        }

        PseudonymisedColumns.Add(column);
        KeyFingerprint = pseudonymizer.KeyFingerprint;
    }

    /// <summary>Warns about every personal column, whatever --quiet says.</summary>
    public void Warn(CliConsole console)
    {
        foreach (var column in Personal)
        {
            console.PrivacyWarn(Allowed.Contains(column.Name)
                ? $"column '{column.Name}' looks like personal data ({column.Reason}); learnt from it because --allow-personal names it"
                : $"column '{column.Name}' looks like personal data ({column.Reason}); left out of training and of every artifact (--allow-personal {column.Name} to learn from it)");
        }
    }

    public SortedDictionary<string, object?> ToJson() => new(StringComparer.Ordinal)
    {
        ["personal_columns"] = Personal.Select(c => new SortedDictionary<string, object?>(StringComparer.Ordinal)
        {
            ["name"] = c.Name,
            ["kind"] = Kind(c.Kind),
            ["reason"] = c.Reason,
            ["action"] = Allowed.Contains(c.Name) ? "allowed" : "dropped",
        }).ToList(),
        ["dropped"] = Personal.Where(c => !Allowed.Contains(c.Name)).Select(c => c.Name).ToList(),
        ["allowed"] = Allowed.ToList(),
        ["pseudonymised"] = PseudonymisedColumns.ToList(),
        ["pseudonym_key_fingerprint"] = KeyFingerprint,
    };

    public void AppendTo(HtmlReport report)
    {
        report.SubSection("Privacy");
        if (Personal.Count == 0 && PseudonymisedColumns.Count == 0)
        {
            report.Paragraph("No column looked like personal data; ids were written as the data holds them.");
            return;
        }

        if (Personal.Count > 0)
        {
            report.Table(["column", "looks like", "action", "why"], Personal.Select(c => (IReadOnlyList<string>)
                [c.Name, Kind(c.Kind), Allowed.Contains(c.Name) ? "learnt from (--allow-personal)" : "dropped", c.Reason]));
        }

        report.Paragraph(PseudonymisedColumns.Count > 0
            ? $"Pseudonymised with a keyed HMAC-SHA256 (key fingerprint {KeyFingerprint}): {string.Join(", ", PseudonymisedColumns)}."
            : "Ids were written as the data holds them (no --pseudonymize-ids).");
    }

    private static string Kind(PersonalDataKind kind) => kind switch
    {
        PersonalDataKind.Email => "email",
        PersonalDataKind.Phone => "phone",
        PersonalDataKind.Name => "name",
        PersonalDataKind.Address => "address",
        PersonalDataKind.IpAddress => "ip_address",
        _ => "unique_per_account",
    };
}
