using CsScoring.Portfolio;
using CsScoring.Value;

namespace CsScoring.Segmentation;

/// <summary>How accounts are cut into touch tiers by potential value.</summary>
public enum TieringMethod
{
    /// <summary>The top shares of accounts by potential value (<see cref="TieringOptions.HighTouchShare"/>, <see cref="TieringOptions.LowTouchShare"/>).</summary>
    Shares = 0,

    /// <summary>Fixed potential-value cut-offs (<see cref="TieringOptions.CutOffs"/>).</summary>
    CutOffs = 1,

    /// <summary>
    /// Fill high-touch up to what the dedicated CSMs can carry (<see cref="TieringOptions.HighTouchCapacity"/>
    /// accounts, escalations included), then low-touch (<see cref="TieringOptions.LowTouchCapacity"/>, or the low-touch share).
    /// </summary>
    Capacity = 2,
}

/// <summary>
/// Lifts a low- or tech-touch account at high risk and high value to a named CSM. Escalated accounts keep their tier
/// in the reports, are owned by a named CSM and count against the high-touch capacity.
/// </summary>
/// <remarks>Immutable and thread-safe.</remarks>
public sealed record EscalationRule
{
    private readonly double? _minChurnProbability;
    private readonly double _topValueShare = 0.3;

    /// <summary>The least churn probability escalated, in [0, 1]; <see langword="null"/> for the churn model's high band.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public double? MinChurnProbability
    {
        get => _minChurnProbability;
        init => _minChurnProbability = value is { } p ? OptionGuard.InRange(p, 0, 1, nameof(EscalationRule), nameof(MinChurnProbability)) : null;
    }

    /// <summary>Only accounts within this top share of the book by potential value are escalated, in [0, 1].</summary>
    /// <value>The default value is 0.3 (with the default shares: the high- and low-touch tiers).</value>
    public double TopValueShare
    {
        get => _topValueShare;
        init => _topValueShare = OptionGuard.InRange(value, 0, 1, nameof(EscalationRule), nameof(TopValueShare));
    }
}

/// <summary>How to tier a book: the method and its parameters, and an optional escalation rule.</summary>
/// <remarks>Immutable and thread-safe.</remarks>
public sealed record TieringOptions
{
    private readonly double _highTouchShare = 0.05;
    private readonly double _lowTouchShare = 0.25;
    private readonly int? _highTouchCapacity;
    private readonly int? _lowTouchCapacity;

    /// <summary>The method.</summary>
    /// <value>The default value is <see cref="TieringMethod.Shares"/>, or <see cref="TieringMethod.Capacity"/> once a capacity is set.</value>
    public TieringMethod Method { get; init; }

    /// <summary>The share of accounts served high-touch, in [0, 1] (<see cref="TieringMethod.Shares"/>).</summary>
    /// <value>The default value is 0.05.</value>
    public double HighTouchShare
    {
        get => _highTouchShare;
        init => _highTouchShare = OptionGuard.InRange(value, 0, 1, nameof(TieringOptions), nameof(HighTouchShare));
    }

    /// <summary>The share served low-touch, in [0, 1] (<see cref="TieringMethod.Shares"/>, and <see cref="TieringMethod.Capacity"/> without a low-touch capacity).</summary>
    /// <value>The default value is 0.25.</value>
    public double LowTouchShare
    {
        get => _lowTouchShare;
        init => _lowTouchShare = OptionGuard.InRange(value, 0, 1, nameof(TieringOptions), nameof(LowTouchShare));
    }

    /// <summary>The potential-value cut-offs (<see cref="TieringMethod.CutOffs"/>).</summary>
    /// <value>The default value is <see langword="null"/>; required by <see cref="TieringMethod.CutOffs"/>.</value>
    public TieringPolicy? CutOffs { get; init; }

    /// <summary>How many accounts the dedicated CSMs can carry (<see cref="TieringMethod.Capacity"/>), escalations included.</summary>
    /// <value>The default value is <see langword="null"/>; required by <see cref="TieringMethod.Capacity"/>.</value>
    public int? HighTouchCapacity
    {
        get => _highTouchCapacity;
        init => _highTouchCapacity = value is { } n ? OptionGuard.InRange(n, 0, int.MaxValue, nameof(TieringOptions), nameof(HighTouchCapacity)) : null;
    }

    /// <summary>How many accounts the pooled low-touch team can carry (<see cref="TieringMethod.Capacity"/>); <see langword="null"/> for the low-touch share.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public int? LowTouchCapacity
    {
        get => _lowTouchCapacity;
        init => _lowTouchCapacity = value is { } n ? OptionGuard.InRange(n, 0, int.MaxValue, nameof(TieringOptions), nameof(LowTouchCapacity)) : null;
    }

    /// <summary>The escalation rule, or <see langword="null"/> for none.</summary>
    /// <value>The default value is an <see cref="EscalationRule"/> with its defaults.</value>
    public EscalationRule? Escalation { get; init; } = new();

    internal void Validate()
    {
        if (Method == TieringMethod.Shares && HighTouchShare + LowTouchShare > 1)
        {
            OptionGuard.Throw(nameof(TieringOptions), nameof(LowTouchShare), LowTouchShare, "with the high-touch share must not exceed 1");
        }

        if (Method == TieringMethod.CutOffs && CutOffs is null)
        {
            OptionGuard.Throw(nameof(TieringOptions), nameof(CutOffs), "null", "is required by the cut-offs method");
        }

        if (Method == TieringMethod.Capacity && HighTouchCapacity is null)
        {
            OptionGuard.Throw(nameof(TieringOptions), nameof(HighTouchCapacity), "null", "is required by the capacity method");
        }
    }
}

/// <summary>
/// Assigns touch tiers by potential value (what an account is worth if it stays), so risk never lowers a tier, and
/// escalates risky, valuable accounts to a named CSM.
/// </summary>
/// <remarks>
/// Accounts are ranked by potential value, highest first (an unbounded value above every bounded one), ties broken by
/// account id (ordinal), so the assignment does not depend on input order. Allocation: two arrays of the book's size.
/// </remarks>
public static class TierAssignment
{
    /// <summary>Assigns the tiers.</summary>
    /// <param name="accountIds">The accounts' ids (ties are broken by them).</param>
    /// <param name="potential">Each account's potential value.</param>
    /// <param name="churnProbability">Each account's churn probability (NaN when not scored; never escalated).</param>
    /// <param name="highRiskProbability">The churn model's high band threshold, the escalation default.</param>
    /// <param name="options">The method and its parameters.</param>
    /// <param name="tiers">Receives each account's tier.</param>
    /// <param name="escalated">Receives whether each account was escalated to a named CSM.</param>
    /// <exception cref="ArgumentException">The spans' lengths differ.</exception>
    /// <exception cref="InvalidOptionException">The options are inconsistent (the message names the option).</exception>
    public static void Assign(
        IReadOnlyList<string> accountIds,
        ReadOnlySpan<LtvResult> potential,
        ReadOnlySpan<float> churnProbability,
        double highRiskProbability,
        TieringOptions options,
        Span<TouchModel> tiers,
        Span<bool> escalated)
    {
        ArgumentNullException.ThrowIfNull(accountIds);
        ArgumentNullException.ThrowIfNull(options);
        var n = accountIds.Count;
        if (potential.Length != n || churnProbability.Length != n || tiers.Length < n || escalated.Length < n)
        {
            throw new ArgumentException("The ids, potential values, probabilities and destinations must have one entry per account.", nameof(potential));
        }

        options.Validate();
        var order = Rank(accountIds, potential);
        escalated[..n].Clear();
        var highCount = options.Method switch
        {
            TieringMethod.Shares => Count(options.HighTouchShare, n),
            TieringMethod.Capacity => Math.Min(n, options.HighTouchCapacity!.Value),
            _ => -1,
        };
        var lowCount = options.Method switch
        {
            TieringMethod.Shares => Math.Min(n - highCount, Count(options.HighTouchShare + options.LowTouchShare, n) - highCount),
            TieringMethod.Capacity => Math.Min(n - highCount, options.LowTouchCapacity ?? Count(options.LowTouchShare, n)),
            _ => -1,
        };

        var candidates = new bool[n];
        var candidateCount = 0;
        if (options.Escalation is { } rule)
        {
            var threshold = rule.MinChurnProbability ?? highRiskProbability;
            var within = Count(rule.TopValueShare, n);
            for (var rank = 0; rank < within; rank++)
            {
                var i = order[rank];
                if (churnProbability[i] >= threshold)
                {
                    candidates[rank] = true;
                    candidateCount++;
                }
            }
        }

        if (options.Method == TieringMethod.Capacity && candidateCount > 0)
        {
            // Escalations take high-touch slots: shrink high-touch until it and the escalations below it fit.
            var capacity = highCount;
            var below = new int[n + 1];
            for (var r = n - 1; r >= 0; r--)
            {
                below[r] = below[r + 1] + (candidates[r] ? 1 : 0);
            }

            while (highCount > 0 && highCount + below[highCount] > capacity)
            {
                highCount--;
            }

            lowCount = Math.Min(n - highCount, lowCount);
        }

        // Under the capacity method only as many escalations as the dedicated CSMs have room for, most valuable first.
        var escalationsLeft = options.Method == TieringMethod.Capacity ? options.HighTouchCapacity!.Value - highCount : int.MaxValue;
        for (var rank = 0; rank < n; rank++)
        {
            var i = order[rank];
            var tier = options.Method == TieringMethod.CutOffs
                ? CutOff(options.CutOffs!, potential[i])
                : rank < highCount ? TouchModel.HighTouch : rank < highCount + lowCount ? TouchModel.LowTouch : TouchModel.TechTouch;
            tiers[i] = tier;
            if (candidates[rank] && tier != TouchModel.HighTouch && escalationsLeft > 0)
            {
                escalated[i] = true;
                escalationsLeft--;
            }
        }
    }

    /// <summary>The accounts' indices ranked by potential value, highest first, ties by account id (ordinal).</summary>
    /// <param name="accountIds">The ids.</param>
    /// <param name="potential">The potential values.</param>
    /// <returns>The ranking.</returns>
    public static int[] Rank(IReadOnlyList<string> accountIds, ReadOnlySpan<LtvResult> potential)
    {
        ArgumentNullException.ThrowIfNull(accountIds);
        return Portfolio.ValueOrder.Rank(accountIds, potential, []);
    }

    private static int Count(double share, int n) => Math.Min(n, (int)Math.Round(share * n, MidpointRounding.AwayFromZero));

    private static TouchModel CutOff(TieringPolicy policy, LtvResult value)
        => value.IsUnbounded ? TouchModel.HighTouch : policy.Assign(value.Value);
}
