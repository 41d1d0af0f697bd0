using System.Globalization;
using CsScoring.Portfolio;
using CsScoring.Segmentation;

namespace CsScoring.Playbooks;

/// <summary>What the lint found: at-risk accounts (see <see cref="AtRiskRule"/>) a playbook leaves without an action.</summary>
/// <param name="HighRiskAccounts">Accounts in the churn model's high band.</param>
/// <param name="HighRiskWithoutAction">Of those, the ones without an action.</param>
/// <param name="FallingHealthAccounts">Accounts whose health fell by at least <see cref="AtRiskRule.FallingHealthPoints"/>.</param>
/// <param name="FallingHealthWithoutAction">Of those, the ones without an action.</param>
/// <param name="Examples">Up to five account ids left without an action, high risk first.</param>
/// <param name="Warnings">The warnings, each a sentence (empty when the playbook covers every at-risk account).</param>
public sealed record PlaybookLintReport(int HighRiskAccounts, int HighRiskWithoutAction, int FallingHealthAccounts, int FallingHealthWithoutAction, IReadOnlyList<string> Examples, IReadOnlyList<string> Warnings)
{
    /// <summary>The definition of at risk the counts follow.</summary>
    /// <value>The default value is <see cref="AtRiskRule.Default"/>.</value>
    public AtRiskRule Rule { get; init; } = AtRiskRule.Default;

    /// <summary>The same counts per tier, high-touch first (the tiers sum to the totals).</summary>
    /// <value>The default value is an empty list.</value>
    public IReadOnlyList<AtRiskCoverage> Tiers { get; init; } = [];
}

/// <summary>One tier's at-risk accounts and how many of them have no action.</summary>
/// <param name="Tier">The tier.</param>
/// <param name="HighRiskAccounts">Accounts in the churn model's high band.</param>
/// <param name="HighRiskWithoutAction">Of those, the ones without an action.</param>
/// <param name="FallingHealthAccounts">Accounts whose health fell by at least the rule's points.</param>
/// <param name="FallingHealthWithoutAction">Of those, the ones without an action.</param>
public sealed record AtRiskCoverage(TouchModel Tier, int HighRiskAccounts, int HighRiskWithoutAction, int FallingHealthAccounts, int FallingHealthWithoutAction);

/// <summary>
/// Warns when a playbook leaves at-risk accounts without an action: the churn model's high band, or health down by at
/// least a number of points (one definition, <see cref="AtRiskRule"/>, which the reports and the dashboard also use).
/// Feed it the portfolio's rows one by one.
/// </summary>
/// <remarks>Not thread-safe.</remarks>
public sealed class PlaybookLint
{
    private readonly List<string> _highRiskExamples = [];
    private readonly List<string> _fallingExamples = [];
    private readonly int[] _highRisk = new int[3];
    private readonly int[] _highRiskUncovered = new int[3];
    private readonly int[] _falling = new int[3];
    private readonly int[] _fallingUncovered = new int[3];

    /// <summary>Creates a lint.</summary>
    /// <param name="rule">The definition of at risk; <see langword="null"/> for <see cref="AtRiskRule.Default"/>.</param>
    public PlaybookLint(AtRiskRule? rule = null)
    {
        Rule = rule ?? AtRiskRule.Default;
    }

    /// <summary>The definition of at risk.</summary>
    public AtRiskRule Rule { get; }

    /// <summary>Lints a whole portfolio.</summary>
    /// <param name="rows">The rows.</param>
    /// <param name="rule">The definition of at risk; <see langword="null"/> for <see cref="AtRiskRule.Default"/>.</param>
    /// <returns>The report.</returns>
    public static PlaybookLintReport Check(IEnumerable<PortfolioRow> rows, AtRiskRule? rule = null)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var lint = new PlaybookLint(rule);
        foreach (var row in rows)
        {
            lint.Add(row);
        }

        return lint.Report();
    }

    /// <summary>Adds one account.</summary>
    /// <param name="row">The account's portfolio row.</param>
    public void Add(PortfolioRow row)
    {
        ArgumentNullException.ThrowIfNull(row);
        var covered = row.Action is not null;
        var t = (int)row.Tier;
        if (AtRiskRule.IsHighRisk(row.ChurnBand))
        {
            _highRisk[t]++;
            if (!covered)
            {
                _highRiskUncovered[t]++;
                Keep(_highRiskExamples, row.AccountId);
            }
        }

        if (Rule.IsFallingHealth(row.HealthChange))
        {
            _falling[t]++;
            if (!covered)
            {
                _fallingUncovered[t]++;
                Keep(_fallingExamples, row.AccountId);
            }
        }
    }

    /// <summary>The report so far.</summary>
    /// <returns>The report.</returns>
    public PlaybookLintReport Report()
    {
        var c = CultureInfo.InvariantCulture;
        int highRisk = _highRisk.Sum(), highRiskUncovered = _highRiskUncovered.Sum(), falling = _falling.Sum(), fallingUncovered = _fallingUncovered.Sum();
        var warnings = new List<string>();
        if (highRiskUncovered > 0)
        {
            warnings.Add(string.Create(c, $"The playbook leaves {highRiskUncovered} of the {highRisk} accounts in the churn model's high band without an action (e.g. {string.Join(", ", _highRiskExamples)}); add a rule on churn_band = high."));
        }

        if (fallingUncovered > 0)
        {
            warnings.Add(string.Create(c, $"The playbook leaves {fallingUncovered} of the {falling} accounts whose health fell by {Rule.FallingHealthPoints:0.#} points or more without an action (e.g. {string.Join(", ", _fallingExamples)}); add a rule on health_change."));
        }

        var examples = _highRiskExamples.Concat(_fallingExamples).Distinct(StringComparer.Ordinal).Take(5).ToList();
        var tiers = new[] { TouchModel.HighTouch, TouchModel.LowTouch, TouchModel.TechTouch }
            .Select(tier => new AtRiskCoverage(tier, _highRisk[(int)tier], _highRiskUncovered[(int)tier], _falling[(int)tier], _fallingUncovered[(int)tier]))
            .ToList();
        return new PlaybookLintReport(highRisk, highRiskUncovered, falling, fallingUncovered, examples, warnings) { Rule = Rule, Tiers = tiers };
    }

    private static void Keep(List<string> examples, string id)
    {
        if (examples.Count < 5)
        {
            examples.Add(id);
        }
    }
}
