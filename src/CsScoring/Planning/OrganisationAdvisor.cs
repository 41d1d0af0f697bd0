using System.Globalization;

namespace CsScoring.Planning;

/// <summary>One organisation model, how well it fits, and why.</summary>
/// <param name="Model">The model.</param>
/// <param name="Fit">How well it fits, in [0, 1], to two decimals.</param>
/// <param name="Reasons">The rules that speak for it.</param>
/// <param name="Risks">The rules that speak against it, and its standing risks.</param>
public sealed record ModelRecommendation(OrganisationModel Model, double Fit, IReadOnlyList<string> Reasons, IReadOnlyList<string> Risks);

/// <summary>How the advice reads for a bigger book.</summary>
/// <param name="Customers">Customers in the scenario.</param>
/// <param name="Arr">ARR in the scenario.</param>
/// <param name="Stage">The stage in the scenario (derived again from the customers unless it was given).</param>
/// <param name="Recommendations">The six models, best first.</param>
/// <param name="Changes">What moved: the best model and every model whose rank changed.</param>
public sealed record OrganisationScenario(int Customers, decimal Arr, GrowthStage Stage, IReadOnlyList<ModelRecommendation> Recommendations, IReadOnlyList<string> Changes);

/// <summary>The six organisation models ranked for a profile, and how that changes if customers triple.</summary>
/// <param name="Stage">The stage the advice assumed.</param>
/// <param name="Recommendations">The six models, best first.</param>
/// <param name="IfCustomersTriple">The same advice with three times the customers and ARR.</param>
public sealed record OrganisationAdvice(GrowthStage Stage, IReadOnlyList<ModelRecommendation> Recommendations, OrganisationScenario IfCustomersTriple);

/// <summary>
/// Ranks the six CS organisation models by transparent rules. Every model starts at <see cref="BaseFit"/>; each rule
/// that holds adds or subtracts a fixed weight and records its text as a reason (weight &gt; 0) or a risk (weight &lt; 0);
/// the fit is clamped to [0, 1]. Ties keep the order of <see cref="OrganisationModel"/>.
/// </summary>
/// <remarks>
/// <para>The rules, with their weights:</para>
/// <list type="bullet">
/// <item><c>all_rounder</c>: early stage +0.4; at most <see cref="FewCustomersMaximum"/> customers +0.3; more than <see cref="CrowdedCustomersMinimum"/> customers -0.4.</item>
/// <item><c>sales_cs_collaboration</c>: onboarding and support both light +0.4; either heavy -0.3; early or growth stage +0.15.</item>
/// <item><c>dedicated</c>: at most <see cref="FewCustomersMaximum"/> customers +0.3; when the CSM cost is known, a budget per customer that pays for a high-touch CSM's share (cost per CSM / high-touch accounts per CSM) +0.35, else -0.4; more than <see cref="CrowdedCustomersMinimum"/> customers -0.4.</item>
/// <item><c>functional</c>: at least <see cref="ManyCustomersMinimum"/> customers +0.4; growth or scale stage +0.15; heavy onboarding +0.1; fewer than <see cref="CrowdedCustomersMinimum"/> customers -0.3.</item>
/// <item><c>regional</c>: two or more regions that differ +0.6; two or more regions that are alike +0.05; one region: fit 0. With customers per region, each region is given its own model (all-rounder up to <see cref="FewCustomersMaximum"/>, functional from <see cref="ManyCustomersMinimum"/>, by customer size between).</item>
/// <item><c>by_customer_size</c>: top decile holding at least <see cref="ConcentratedTopDecileShare"/> of ARR +0.55; at least <see cref="ModerateTopDecileShare"/> +0.2; less -0.2; at least <see cref="TierableCustomersMinimum"/> customers +0.15; fewer than 20 -0.3.</item>
/// </list>
/// <para>Each model also carries its standing risks. Stateless and thread-safe.</para>
/// </remarks>
public static class OrganisationAdvisor
{
    /// <summary>Every model's fit before the rules: 0.2.</summary>
    public const double BaseFit = 0.2;

    /// <summary>Up to this many customers count as few: 30.</summary>
    public const int FewCustomersMaximum = 30;

    /// <summary>Above this many customers one person per journey (or per customer) no longer works; below it specialist teams are tiny: 100.</summary>
    public const int CrowdedCustomersMinimum = 100;

    /// <summary>From this many customers count as many: 300.</summary>
    public const int ManyCustomersMinimum = 300;

    /// <summary>From this many customers there are enough to form size tiers: 50.</summary>
    public const int TierableCustomersMinimum = 50;

    /// <summary>A top decile holding at least this share of ARR makes the book concentrated: 0.5.</summary>
    public const double ConcentratedTopDecileShare = 0.5;

    /// <summary>A top decile holding at least this share of ARR makes the book moderately concentrated: 0.3.</summary>
    public const double ModerateTopDecileShare = 0.3;

    /// <summary>The derived stage is growth from this many customers: 50.</summary>
    public const int GrowthStageMinimumCustomers = 50;

    /// <summary>The derived stage is scale from this many customers: 500.</summary>
    public const int ScaleStageMinimumCustomers = 500;

    /// <summary>Regions differ when the highest ARR per customer is at least this multiple of the lowest: 1.5.</summary>
    public const double RegionalArrPerCustomerRatio = 1.5;

    /// <summary>Months a contract has to finish onboarding before it counts: 4.</summary>
    public const int OnboardingWindowMonths = 4;

    /// <summary>Onboarding is heavy when at least this share of accounts past the window have not completed it: 0.25.</summary>
    public const double HeavyOnboardingIncompleteShare = 0.25;

    /// <summary>Support is heavy from this many tickets per account per month: 1.</summary>
    public const double HeavySupportTicketsPerAccountMonth = 1.0;

    /// <summary>The stage derived from the number of customers.</summary>
    /// <param name="customers">Current customers.</param>
    public static GrowthStage StageFor(int customers)
        => customers < GrowthStageMinimumCustomers ? GrowthStage.Early : customers < ScaleStageMinimumCustomers ? GrowthStage.Growth : GrowthStage.Scale;

    /// <summary>Ranks the six models for a profile, and for the same profile with three times the customers and ARR.</summary>
    /// <param name="profile">The book and the company.</param>
    /// <exception cref="ArgumentOutOfRangeException">An input of the profile is out of range.</exception>
    public static OrganisationAdvice Advise(OrganisationProfile profile)
    {
        ArgumentNullException.ThrowIfNull(profile);
        profile.Validate();
        var now = Rank(profile);
        var tripled = profile with
        {
            Customers = checked(profile.Customers * 3),
            Arr = profile.Arr * 3,
            CustomersByRegion = profile.CustomersByRegion?.ToDictionary(p => p.Key, p => p.Value * 3, StringComparer.Ordinal),
        };
        var later = Rank(tripled);
        return new OrganisationAdvice(profile.EffectiveStage, now, new OrganisationScenario(tripled.Customers, tripled.Arr, tripled.EffectiveStage, later, Changes(now, later)));
    }

    /// <summary>The six models ranked for a profile, best first.</summary>
    /// <param name="profile">The book and the company.</param>
    /// <exception cref="ArgumentOutOfRangeException">An input of the profile is out of range.</exception>
    public static IReadOnlyList<ModelRecommendation> Rank(OrganisationProfile profile)
    {
        ArgumentNullException.ThrowIfNull(profile);
        profile.Validate();
        return
        [
            .. new[] { AllRounder(profile), SalesCsCollaboration(profile), Dedicated(profile), Functional(profile), Regional(profile), ByCustomerSize(profile) }
                .Select((r, i) => (r, i))
                .OrderByDescending(x => x.r.Fit).ThenBy(x => x.i)
                .Select(x => x.r),
        ];
    }

    private static ModelRecommendation AllRounder(OrganisationProfile p)
    {
        var s = new Score(OrganisationModel.AllRounder);
        var n = p.Customers;
        s.If(p.EffectiveStage == GrowthStage.Early, 0.4, "Early stage: one person can carry each customer from sale to success while the playbook is still being written.");
        s.If(n <= FewCustomersMaximum, 0.3, $"Few customers ({n} <= {FewCustomersMaximum}): tight contact and little hand-off cost.");
        s.If(n > CrowdedCustomersMinimum, -0.4, $"{n} customers (> {CrowdedCustomersMinimum}): one person per whole journey runs out of hours.");
        s.Risk("Runs out of people as customers grow, and what each person knows leaves with them.");
        return s.Build();
    }

    private static ModelRecommendation SalesCsCollaboration(OrganisationProfile p)
    {
        var s = new Score(OrganisationModel.SalesCsCollaboration);
        var light = p.Onboarding == WorkLoad.Light && p.Support == WorkLoad.Light;
        s.If(light, 0.4, "Onboarding and support loads are light: CS has time to take part in the sales phase.");
        s.If(!light, -0.3, $"Onboarding is {Name(p.Onboarding)} and support is {Name(p.Support)}: CS has little time left for the sales phase.");
        s.If(p.EffectiveStage is GrowthStage.Early or GrowthStage.Growth, 0.15, $"At the {Name(p.EffectiveStage)} stage, CS close to sales shortens the path from deal to value.");
        s.Risk("Customers may see CS as a second salesperson.");
        return s.Build();
    }

    private static ModelRecommendation Dedicated(OrganisationProfile p)
    {
        var s = new Score(OrganisationModel.Dedicated);
        var n = p.Customers;
        s.If(n <= FewCustomersMaximum, 0.3, $"Few customers ({n} <= {FewCustomersMaximum}): each can have one CSM as its single window into the company.");
        if (p.Capacity is { } capacity && n > 0)
        {
            var budgetPerCustomer = p.Arr / n * (decimal)capacity.BudgetShareOfArr;
            var share = capacity.CostPerCsm / (decimal)capacity.HighTouchAccountsPerCsm;
            var c = CultureInfo.InvariantCulture;
            s.If(budgetPerCustomer >= share, 0.35, $"High price: the budget per customer ({budgetPerCustomer.ToString("N0", c)} a year) pays for a dedicated CSM's share ({share.ToString("N0", c)}: one CSM per {capacity.HighTouchAccountsPerCsm.ToString(c)} customers).");
            s.If(budgetPerCustomer < share, -0.4, $"The budget per customer ({budgetPerCustomer.ToString("N0", c)} a year) does not pay for a dedicated CSM's share ({share.ToString("N0", c)}).");
        }

        s.If(n > CrowdedCustomersMinimum, -0.4, $"{n} customers (> {CrowdedCustomersMinimum}): a CSM for every customer needs a very large team.");
        s.Risk("The customer's single window depends on one person: plan cover for absences and departures.");
        return s.Build();
    }

    private static ModelRecommendation Functional(OrganisationProfile p)
    {
        var s = new Score(OrganisationModel.Functional);
        var n = p.Customers;
        s.If(n >= ManyCustomersMinimum, 0.4, $"Many customers ({n} >= {ManyCustomersMinimum}): specialist teams handle the volume efficiently.");
        s.If(p.EffectiveStage is GrowthStage.Growth or GrowthStage.Scale, 0.15, $"At the {Name(p.EffectiveStage)} stage, specialist teams (onboarding, adoption, expansion) scale with the business.");
        s.If(p.Onboarding == WorkLoad.Heavy, 0.1, "Onboarding is heavy: a dedicated onboarding team builds the expertise.");
        s.If(n < CrowdedCustomersMinimum, -0.3, $"Only {n} customers (< {CrowdedCustomersMinimum}): each specialist team would be tiny.");
        s.Risk("Needs strong hand-offs between teams; a customer meets several people.");
        return s.Build();
    }

    private static ModelRecommendation Regional(OrganisationProfile p)
    {
        var s = new Score(OrganisationModel.Regional);
        if (p.Regions < 2)
        {
            s.Veto("All customers are in one region: there is nothing to organise by.");
            return s.Build();
        }

        var differ = p.RegionalDifferences == RegionalDifferences.High;
        s.If(differ, 0.6, $"Customers are spread across {p.Regions} regions whose attributes and business customs differ.");
        s.If(!differ, 0.05, $"Customers are in {p.Regions} regions.");
        if (!differ)
        {
            s.Risk("The regions differ little: regional teams would duplicate roles for no gain.");
        }

        if (p.CustomersByRegion is { Count: > 0 } regions)
        {
            s.Note("Each region can use its own model: " + string.Join(", ", regions.Select(r => $"{r.Key} ({r.Value}) {ModelName(ModelForRegion(r.Value))}")) + ".");
        }

        s.Risk("Duplicates roles across regions; keep one playbook and one set of measures.");
        return s.Build();
    }

    private static ModelRecommendation ByCustomerSize(OrganisationProfile p)
    {
        var s = new Score(OrganisationModel.ByCustomerSize);
        var n = p.Customers;
        if (p.TopDecileShare is { } share)
        {
            s.If(share >= ConcentratedTopDecileShare, 0.55, $"The top 10% of accounts hold {Percent(share)} of ARR: value is concentrated, so the dedicated model for the top tier gets the most from limited people.");
            s.If(share is >= ModerateTopDecileShare and < ConcentratedTopDecileShare, 0.2, $"The top 10% of accounts hold {Percent(share)} of ARR: value is moderately concentrated.");
            s.If(share < ModerateTopDecileShare, -0.2, $"The top 10% of accounts hold only {Percent(share)} of ARR: tiers by size would differ little.");
        }

        s.If(n >= TierableCustomersMinimum, 0.15, $"Enough customers ({n} >= {TierableCustomersMinimum}) to form size tiers.");
        s.If(n < 20, -0.3, $"Only {n} customers (< 20): too few to form tiers.");
        s.Risk("Smaller customers get less attention: they need a good tech-touch programme and clear rules to move between tiers.");
        return s.Build();
    }

    private static OrganisationModel ModelForRegion(int customers)
        => customers <= FewCustomersMaximum ? OrganisationModel.AllRounder : customers >= ManyCustomersMinimum ? OrganisationModel.Functional : OrganisationModel.ByCustomerSize;

    private static List<string> Changes(IReadOnlyList<ModelRecommendation> now, IReadOnlyList<ModelRecommendation> later)
    {
        var changes = new List<string>();
        if (now[0].Model != later[0].Model)
        {
            changes.Add($"The best model changes from {ModelName(now[0].Model)} to {ModelName(later[0].Model)}.");
        }

        for (var i = 0; i < later.Count; i++)
        {
            var before = now.Select((r, k) => (r, k)).First(x => x.r.Model == later[i].Model);
            if (before.k != i)
            {
                changes.Add(FormattableString.Invariant($"{ModelName(later[i].Model)}: rank {before.k + 1} -> {i + 1} (fit {before.r.Fit:0.00} -> {later[i].Fit:0.00})."));
            }
        }

        if (changes.Count == 0)
        {
            changes.Add("The ranking stays the same.");
        }

        return changes;
    }

    /// <summary>The model's name as the console and JSON spell it (<c>all_rounder</c>, ...).</summary>
    /// <param name="model">The model.</param>
    public static string ModelName(OrganisationModel model) => model switch
    {
        OrganisationModel.AllRounder => "all_rounder",
        OrganisationModel.SalesCsCollaboration => "sales_cs_collaboration",
        OrganisationModel.Dedicated => "dedicated",
        OrganisationModel.Functional => "functional",
        OrganisationModel.Regional => "regional",
        OrganisationModel.ByCustomerSize => "by_customer_size",
        _ => throw new ArgumentOutOfRangeException(nameof(model), model, "Unknown organisation model."),
    };

    private static string Percent(double share) => (share * 100).ToString("0", CultureInfo.InvariantCulture) + "%";

    private static string Name<T>(T value)
        where T : struct, Enum => value.ToString().ToLowerInvariant();

    private sealed class Score(OrganisationModel model)
    {
        private readonly List<string> _reasons = [];
        private readonly List<string> _risks = [];
        private double _fit = BaseFit;
        private bool _vetoed;

        public void If(bool holds, double weight, string text)
        {
            if (!holds)
            {
                return;
            }

            _fit += weight;
            (weight > 0 ? _reasons : _risks).Add(text);
        }

        public void Note(string text) => _reasons.Add(text);

        public void Risk(string text) => _risks.Add(text);

        public void Veto(string text)
        {
            _vetoed = true;
            _risks.Add(text);
        }

        public ModelRecommendation Build()
            => new(model, _vetoed ? 0 : Math.Round(Math.Clamp(_fit, 0, 1), 2, MidpointRounding.AwayFromZero), _reasons, _risks);
    }
}
