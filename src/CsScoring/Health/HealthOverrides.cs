using CsScoring.Data;

namespace CsScoring.Health;

/// <summary>Reads manual health overrides from a table (<c>account_id, score, reason, expires[, set_by]</c>).</summary>
public static class HealthOverrides
{
    /// <summary>Reads the overrides, one per account.</summary>
    /// <param name="reader">A reader positioned before its first row; read to its end, not disposed.</param>
    /// <returns>The overrides by account id (raw, ordinal).</returns>
    /// <exception cref="DataFormatException">A column is absent, a score is outside [0, 100], a reason is blank, a date is invalid, or an account has two overrides (source, row and column named).</exception>
    public static IReadOnlyDictionary<string, HealthOverride> Read(TabularReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var overrides = new Dictionary<string, HealthOverride>(StringComparer.Ordinal);
        var id = reader.GetOrdinal("account_id");
        var score = reader.GetOrdinal("score");
        var reason = reader.GetOrdinal("reason");
        var expires = reader.GetOrdinal("expires");
        var setBy = reader.TryGetOrdinal("set_by", out var s) ? s : -1;
        while (reader.Read())
        {
            var value = reader.GetDoubleOrNaN(score);
            if (!double.IsFinite(value) || value < 0 || value > 100)
            {
                throw reader.Error(score, $"an override score must be between 0 and 100, not '{reader.GetString(score)}'");
            }

            if (reader.IsBlank(reason))
            {
                throw reader.Error(reason, "an override needs a reason");
            }

            var account = reader.GetString(id);
            if (!overrides.TryAdd(account, new HealthOverride { Score = value, Reason = reader.GetString(reason), Expires = reader.GetDate(expires), SetBy = setBy >= 0 && !reader.IsBlank(setBy) ? reader.GetString(setBy) : null }))
            {
                throw reader.Error(id, $"account '{account}' has more than one override");
            }
        }

        return overrides;
    }
}
