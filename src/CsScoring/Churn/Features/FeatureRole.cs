namespace CsScoring.Churn.Features;

/// <summary>What a column tells a CSM: something the customer does, or something the account is.</summary>
public enum FeatureRole
{
    /// <summary>Behaviour a CSM can act on: usage, support, sentiment, billing.</summary>
    Signal = 0,

    /// <summary>What the account is: plan, region, contract type, tenure, days to renewal, size. Explains risk, is not a lever.</summary>
    Context = 1,
}

/// <summary>Which kind of behaviour a signal column measures.</summary>
public enum SignalKind
{
    /// <summary>Product usage: logins, active users, adoption, stickiness, usage trend.</summary>
    Usage = 0,

    /// <summary>Support: tickets, severity, escalations, incidents.</summary>
    Support = 1,

    /// <summary>Sentiment: NPS, CSAT, CES and other survey answers.</summary>
    Sentiment = 2,

    /// <summary>Billing: late or failed invoices, payments, expansion and contraction.</summary>
    Billing = 3,
}

/// <summary>A column's role in explanations: signal (with its kind, when known) or context.</summary>
/// <param name="Role">Signal or context.</param>
/// <param name="Signal">The kind of signal; <see langword="null"/> for context or a signal of no known kind.</param>
public sealed record ColumnRole(FeatureRole Role, SignalKind? Signal = null)
{
    /// <summary>A context column.</summary>
    public static ColumnRole Context { get; } = new(FeatureRole.Context);
}

/// <summary>
/// The inference of a column's role from its name, used when a model's feature schema does not say (models trained
/// before roles were recorded, or columns a schema file leaves out): columns named in <see cref="ContextColumns"/> are
/// context; every other column is a signal, whose kind is guessed from the words of its name (login, usage, adoption:
/// usage; ticket, support, incident: support; nps, csat, ces, survey: sentiment; invoice, payment, billing, expansion:
/// billing).
/// </summary>
/// <remarks>Immutable and thread-safe.</remarks>
public sealed record FeatureRoles
{
    private static readonly (string Word, SignalKind Kind)[] SignalWords =
    [
        ("nps", SignalKind.Sentiment), ("csat", SignalKind.Sentiment), ("ces", SignalKind.Sentiment), ("survey", SignalKind.Sentiment), ("sentiment", SignalKind.Sentiment),
        ("ticket", SignalKind.Support), ("support", SignalKind.Support), ("incident", SignalKind.Support), ("escalation", SignalKind.Support), ("severe", SignalKind.Support),
        ("invoice", SignalKind.Billing), ("payment", SignalKind.Billing), ("billing", SignalKind.Billing), ("overdue", SignalKind.Billing), ("expansion", SignalKind.Billing), ("contraction", SignalKind.Billing), ("discount", SignalKind.Billing),
        ("login", SignalKind.Usage), ("usage", SignalKind.Usage), ("active", SignalKind.Usage), ("adoption", SignalKind.Usage), ("utilization", SignalKind.Usage), ("utilisation", SignalKind.Usage),
        ("dau", SignalKind.Usage), ("mau", SignalKind.Usage), ("session", SignalKind.Usage), ("event", SignalKind.Usage), ("feature", SignalKind.Usage), ("onboarding", SignalKind.Usage),
    ];

    /// <summary>The usual context columns of a customer snapshot.</summary>
    public static FeatureRoles Default { get; } = new(
    [
        "plan", "region", "country", "industry", "segment", "contract_type", "contract_length_months", "billing_period", "renewal_date",
        "days_to_renewal", "tenure_months", "signup_date", "seats", "company_size", "employees", "mrr", "arr", "currency",
    ]);

    /// <summary>Creates roles from the context columns.</summary>
    /// <param name="contextColumns">The columns that are context (ordinal, case-insensitive).</param>
    public FeatureRoles(IEnumerable<string> contextColumns)
    {
        ArgumentNullException.ThrowIfNull(contextColumns);
        ContextColumns = new HashSet<string>(contextColumns, StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>The context columns.</summary>
    public IReadOnlySet<string> ContextColumns { get; }

    /// <summary>The role of a column.</summary>
    /// <param name="column">The column's name.</param>
    /// <returns><see cref="FeatureRole.Context"/> when listed, else <see cref="FeatureRole.Signal"/>.</returns>
    public FeatureRole RoleOf(string column) => ContextColumns.Contains(column) ? FeatureRole.Context : FeatureRole.Signal;

    /// <summary>The inferred role and signal kind of a column.</summary>
    /// <param name="column">The column's name.</param>
    /// <returns>Context when listed; else a signal with the kind its name suggests (none when no word matches).</returns>
    public ColumnRole Infer(string column)
    {
        ArgumentNullException.ThrowIfNull(column);
        if (RoleOf(column) == FeatureRole.Context)
        {
            return ColumnRole.Context;
        }

        // Whole words of the name (split at anything not a letter), matched at their start: "invoices" is billing, but
        // the "ces" inside it is not a survey.
        var words = column.Split((char[])[.. column.Where(c => !char.IsLetter(c)).Distinct()], StringSplitOptions.RemoveEmptyEntries);
        foreach (var (word, kind) in SignalWords)
        {
            foreach (var part in words)
            {
                if (part.StartsWith(word, StringComparison.OrdinalIgnoreCase))
                {
                    return new ColumnRole(FeatureRole.Signal, kind);
                }
            }
        }

        return new ColumnRole(FeatureRole.Signal);
    }
}
