namespace CsScoring.Churn.Features;

/// <summary>What a column tells a CSM: something the customer does, or something the account is.</summary>
public enum FeatureRole
{
    /// <summary>Behaviour a CSM can act on: usage, support, sentiment, billing.</summary>
    Signal = 0,

    /// <summary>What the account is: plan, region, contract type, tenure, days to renewal, size. Explains risk, is not a lever.</summary>
    Context = 1,
}

/// <summary>
/// Marks a feature schema's columns as signals or context, so reasons list what a CSM can act on first. Columns are
/// context when named in <see cref="ContextColumns"/>; every other column is a signal.
/// </summary>
/// <remarks>Immutable and thread-safe.</remarks>
public sealed record FeatureRoles
{
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
}
