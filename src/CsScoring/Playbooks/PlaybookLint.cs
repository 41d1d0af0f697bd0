using System.Globalization;
using CsScoring.Churn;
using CsScoring.Portfolio;

namespace CsScoring.Playbooks;

/// <summary>What the lint found: at-risk accounts a playbook leaves without an action.</summary>
/// <param name="HighRiskAccounts">Accounts in the churn model's high band.</param>
/// <param name="HighRiskWithoutAction">Of those, the ones without an action.</param>
/// <param name="FallingHealthAccounts">Accounts whose health fell by at least the threshold.</param>
/// <param name="FallingHealthWithoutAction">Of those, the ones without an action.</param>
/// <param name="Examples">Up to five account ids left without an action, high risk first.</param>
/// <param name="Warnings">The warnings, each a sentence (empty when the playbook covers every at-risk account).</param>
public sealed record PlaybookLintReport(int HighRiskAccounts, int HighRiskWithoutAction, int FallingHealthAccounts, int FallingHealthWithoutAction, IReadOnlyList<string> Examples, IReadOnlyList<string> Warnings);

/// <summary>
/// Warns when a playbook leaves high-risk accounts (the churn model's own high band) or falling-health accounts
/// (health down by at least a number of points) without an action. Feed it the portfolio's rows one by one.
/// </summary>
/// <remarks>Not thread-safe.</remarks>
public sealed class PlaybookLint
{
    private readonly List<string> _highRiskExamples = [];
    private readonly List<string> _fallingExamples = [];
    private int _highRisk;
    private int _highRiskUncovered;
    private int _falling;
    private int _fallingUncovered;

    /// <summary>Creates a lint.</summary>
    /// <param name="fallingHealthPoints">How many points of health lost make an account's health falling (&gt; 0).</param>
    public PlaybookLint(double fallingHealthPoints)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(fallingHealthPoints);
        FallingHealthPoints = fallingHealthPoints;
    }

    /// <summary>How many points of health lost make an account's health falling.</summary>
    public double FallingHealthPoints { get; }

    /// <summary>Lints a whole portfolio.</summary>
    /// <param name="rows">The rows.</param>
    /// <param name="fallingHealthPoints">See <see cref="FallingHealthPoints"/>.</param>
    /// <returns>The report.</returns>
    public static PlaybookLintReport Check(IEnumerable<PortfolioRow> rows, double fallingHealthPoints)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var lint = new PlaybookLint(fallingHealthPoints);
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
        if (row.ChurnBand == RiskBand.High)
        {
            _highRisk++;
            if (!covered)
            {
                _highRiskUncovered++;
                Keep(_highRiskExamples, row.AccountId);
            }
        }

        if (row.HealthChange <= -FallingHealthPoints)
        {
            _falling++;
            if (!covered)
            {
                _fallingUncovered++;
                Keep(_fallingExamples, row.AccountId);
            }
        }
    }

    /// <summary>The report so far.</summary>
    /// <returns>The report.</returns>
    public PlaybookLintReport Report()
    {
        var c = CultureInfo.InvariantCulture;
        var warnings = new List<string>();
        if (_highRiskUncovered > 0)
        {
            warnings.Add(string.Create(c, $"The playbook leaves {_highRiskUncovered} of the {_highRisk} accounts in the churn model's high band without an action (e.g. {string.Join(", ", _highRiskExamples)}); add a rule on churn_band = high."));
        }

        if (_fallingUncovered > 0)
        {
            warnings.Add(string.Create(c, $"The playbook leaves {_fallingUncovered} of the {_falling} accounts whose health fell by {FallingHealthPoints:0.#} points or more without an action (e.g. {string.Join(", ", _fallingExamples)}); add a rule on health_change."));
        }

        var examples = _highRiskExamples.Concat(_fallingExamples).Distinct(StringComparer.Ordinal).Take(5).ToList();
        return new PlaybookLintReport(_highRisk, _highRiskUncovered, _falling, _fallingUncovered, examples, warnings);
    }

    private static void Keep(List<string> examples, string id)
    {
        if (examples.Count < 5)
        {
            examples.Add(id);
        }
    }
}
