using System.Globalization;
using System.Numerics;
using CsScoring.Data;

namespace CsScoring.Metrics;

/// <summary>How <see cref="UsageReport.Read"/> reads the event log.</summary>
public sealed class UsageOptions
{
    /// <summary>The as-of date; <see langword="null"/> uses the last event's date. Events after it are ignored (counted).</summary>
    public DateOnly? AsOf { get; init; }

    /// <summary>Known accounts: an event of another account is a bad row. <see langword="null"/> accepts every account.</summary>
    public IReadOnlySet<string>? KnownAccounts { get; init; }

    /// <summary>The weeks of active-user retention to report (week 0 to this); 12 by default, at most 52.</summary>
    public int RetentionWeeks { get; init; } = 12;

    /// <summary>Skip bad rows (counted, the first 20 reasons kept) instead of failing on the first; <see langword="false"/> by default.</summary>
    public bool SkipBadRows { get; init; }
}

/// <summary>
/// Stickiness over the trailing 30 days to the as-of date (days as-of - 29 to as-of).
/// </summary>
/// <remarks>
/// DAU is the mean over the 30 days of the users active each day; MAU the users active on any of the 30 days; WAU
/// the mean, over the 24 days whose trailing 7-day window lies inside the 30 (as-of - 23 to as-of), of the users
/// active in that 7-day window, so WAU &lt;= MAU and DAU &lt;= MAU always. Ratios are NaN when MAU is 0.
/// </remarks>
/// <param name="ActiveAccounts">Accounts with an active user in the 30 days.</param>
/// <param name="MonthlyActiveUsers">MAU.</param>
/// <param name="AverageDailyActiveUsers">Mean DAU.</param>
/// <param name="AverageWeeklyActiveUsers">Mean WAU.</param>
/// <param name="DauMau">DAU / MAU, in [0, 1].</param>
/// <param name="WauMau">WAU / MAU, in [0, 1].</param>
public sealed record UsageStats(int ActiveAccounts, int MonthlyActiveUsers, double AverageDailyActiveUsers, double AverageWeeklyActiveUsers, double DauMau, double WauMau);

/// <summary>How widely a feature is used in the trailing 30 days.</summary>
/// <param name="Feature">The feature.</param>
/// <param name="Users">Active users who used it.</param>
/// <param name="Accounts">Active accounts with a user who used it.</param>
/// <param name="UserShare">Users / MAU.</param>
/// <param name="AccountShare">Accounts / active accounts.</param>
public sealed record FeatureAdoption(string Feature, int Users, int Accounts, double UserShare, double AccountShare);

/// <summary>One account's usage.</summary>
/// <param name="AccountId">The account.</param>
/// <param name="Events">Its events up to the as-of date.</param>
/// <param name="Users">Its distinct users ever seen.</param>
/// <param name="Stickiness">Its trailing-30-day stickiness (<see cref="UsageStats.ActiveAccounts"/> is 0 or 1).</param>
/// <param name="FeaturesUsed">Distinct features its users used in the 30 days.</param>
/// <param name="RetentionWeek1">Share of its users active one week after their first active week (users whose week 1 is observed); NaN when none.</param>
/// <param name="RetentionWeek4">The same four weeks after.</param>
public sealed record AccountUsage(string AccountId, long Events, int Users, UsageStats Stickiness, int FeaturesUsed, double RetentionWeek1, double RetentionWeek4);

/// <summary>
/// Product usage from an event log (<c>account_id, user_id, date, feature</c>): stickiness, feature adoption and
/// active-user retention by week, overall and per account.
/// </summary>
/// <remarks>
/// Streamed in one pass, in any row order: the state is per account and user (a 64-day activity bit mask, the last
/// day each feature was used, the weeks active), so memory grows with users and the weeks they span, never with the
/// number of events. Weeks start on Monday. Retention at week k is, over users whose first active week f has f + k
/// at or before the as-of week, the share active in week f + k (week 0 is 1 by definition).
/// </remarks>
/// <param name="AsOf">The as-of date.</param>
/// <param name="Events">Events counted (up to the as-of date).</param>
/// <param name="EventsAfterAsOf">Events after the as-of date, ignored.</param>
/// <param name="SkippedRows">Rows skipped under <see cref="UsageOptions.SkipBadRows"/>.</param>
/// <param name="Warnings">The first 20 skipped rows' reasons.</param>
/// <param name="Overall">Stickiness over all accounts.</param>
/// <param name="Features">Adoption per feature, by name.</param>
/// <param name="WeeklyRetention">Index k: active-user retention k weeks after the first active week.</param>
/// <param name="Accounts">Per account, by id.</param>
public sealed record UsageReport(
    DateOnly AsOf,
    long Events,
    long EventsAfterAsOf,
    long SkippedRows,
    IReadOnlyList<string> Warnings,
    UsageStats Overall,
    IReadOnlyList<FeatureAdoption> Features,
    IReadOnlyList<double> WeeklyRetention,
    IReadOnlyList<AccountUsage> Accounts)
{
    private const int Window = 30;
    private const int WauDays = Window - 6;

    /// <summary>Streams an event log.</summary>
    /// <param name="reader">A reader positioned before the first row.</param>
    /// <param name="options">As-of date, known accounts and bad-row handling.</param>
    /// <exception cref="DataFormatException">
    /// A column is absent, there are no events up to the as-of date, or (unless skipping) an account or user id is
    /// blank, a date does not parse, a feature is blank or an account is unknown. File, row and column named.
    /// </exception>
    public static UsageReport Read(TabularReader reader, UsageOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(reader);
        options ??= new UsageOptions();
        if (options.RetentionWeeks is < 0 or > 52)
        {
            throw new ArgumentException($"Retention weeks must be in 0..52, not {options.RetentionWeeks}.", nameof(options));
        }

        int account = reader.GetOrdinal("account_id"), user = reader.GetOrdinal("user_id"), date = reader.GetOrdinal("date"), feature = reader.GetOrdinal("feature");
        var accounts = new Dictionary<string, AccountState>(StringComparer.Ordinal);
        var accountLookup = accounts.GetAlternateLookup<ReadOnlySpan<char>>();
        var features = new Dictionary<string, int>(StringComparer.Ordinal);
        var featureLookup = features.GetAlternateLookup<ReadOnlySpan<char>>();
        var asOfLimit = options.AsOf?.DayNumber ?? int.MaxValue;
        var warnings = new List<string>();
        long events = 0, after = 0, skipped = 0;
        var lastDay = int.MinValue;
        while (reader.Read())
        {
            var (ordinal, problem) = (-1, (string?)null);
            var a = reader.GetSpan(account).Trim();
            var u = reader.GetSpan(user).Trim();
            var f = reader.GetSpan(feature).Trim();
            DateOnly day = default;
            if (a.IsEmpty)
            {
                (ordinal, problem) = (account, "the account id is blank");
            }
            else if (u.IsEmpty)
            {
                (ordinal, problem) = (user, "the user id is blank");
            }
            else if (!DateOnly.TryParseExact(reader.GetSpan(date).Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out day)
                && !reader.TryGetDate(date, out day))
            {
                (ordinal, problem) = (date, $"'{reader.GetString(date)}' is not a date (expected yyyy-MM-dd)");
            }
            else if (f.IsEmpty)
            {
                (ordinal, problem) = (feature, "the feature is blank");
            }
            else if (options.KnownAccounts is not null && !accountLookup.ContainsKey(a) && !options.KnownAccounts.Contains(a.ToString()))
            {
                (ordinal, problem) = (account, $"account '{a.ToString()}' is not a known account");
            }

            if (problem is not null)
            {
                var error = reader.Error(ordinal, problem);
                if (!options.SkipBadRows)
                {
                    throw error;
                }

                skipped++;
                if (warnings.Count < 20)
                {
                    warnings.Add(error.Message);
                }

                continue;
            }

            var dayNumber = day.DayNumber;
            if (dayNumber > asOfLimit)
            {
                after++;
                continue;
            }

            if (!accountLookup.TryGetValue(a, out var state))
            {
                state = new AccountState(a.ToString());
                accounts.Add(state.Id, state);
            }

            if (!featureLookup.TryGetValue(f, out var featureIndex))
            {
                featureIndex = features.Count;
                features.Add(f.ToString(), featureIndex);
            }

            state.Events++;
            state.User(u).Mark(dayNumber, featureIndex);
            events++;
            lastDay = Math.Max(lastDay, dayNumber);
        }

        if (events == 0)
        {
            throw new DataFormatException(options.AsOf is null ? "the event log has no valid events" : $"the event log has no valid events up to {options.AsOf:yyyy-MM-dd}", reader.SourceName, null, null);
        }

        var asOf = options.AsOf?.DayNumber ?? lastDay;
        return Summarise(accounts, features, asOf, events, after, skipped, warnings, options.RetentionWeeks);
    }

    private static UsageReport Summarise(Dictionary<string, AccountState> accounts, Dictionary<string, int> features, int asOf, long events, long after, long skipped, List<string> warnings, int weeks)
    {
        var featureNames = features.OrderBy(f => f.Value).Select(f => f.Key).ToArray();
        var featureUsers = new int[featureNames.Length];
        var featureAccounts = new int[featureNames.Length];
        var overall = new Tally();
        var eligible = new long[weeks + 1];
        var retained = new long[weeks + 1];
        var asOfWeek = Week(asOf);
        var perAccount = new List<AccountUsage>(accounts.Count);
        var used = new bool[featureNames.Length];
        foreach (var state in accounts.Values.OrderBy(s => s.Id, StringComparer.Ordinal))
        {
            var tally = new Tally();
            Array.Clear(used);
            long e1 = 0, r1 = 0, e4 = 0, r4 = 0;
            foreach (var u in state.Users.Values)
            {
                var window = u.Window(asOf);
                tally.Add(window);
                if (window != 0)
                {
                    for (var i = 0; i < u.FeatureLastDay.Length; i++)
                    {
                        if (u.FeatureLastDay[i] > asOf - Window)
                        {
                            featureUsers[i]++;
                            used[i] = true;
                        }
                    }
                }

                var first = u.FirstWeek;
                for (var k = 0; k <= weeks && first + k <= asOfWeek; k++)
                {
                    var active = u.ActiveInWeek(first + k);
                    eligible[k]++;
                    retained[k] += active ? 1 : 0;
                    if (k == 1)
                    {
                        e1++;
                        r1 += active ? 1 : 0;
                    }
                    else if (k == 4)
                    {
                        e4++;
                        r4 += active ? 1 : 0;
                    }
                }
            }

            var count = 0;
            for (var i = 0; i < used.Length; i++)
            {
                if (used[i])
                {
                    featureAccounts[i]++;
                    count++;
                }
            }

            overall.Merge(tally);
            perAccount.Add(new AccountUsage(state.Id, state.Events, state.Users.Count, tally.ToStats(), count, Share(r1, e1), Share(r4, e4)));
        }

        var stats = overall.ToStats();
        var adoption = featureNames
            .Select((name, i) => new FeatureAdoption(name, featureUsers[i], featureAccounts[i], Share(featureUsers[i], stats.MonthlyActiveUsers), Share(featureAccounts[i], stats.ActiveAccounts)))
            .OrderBy(f => f.Feature, StringComparer.Ordinal)
            .ToArray();
        var curve = new List<double>();
        for (var k = 0; k <= weeks && eligible[k] > 0; k++)
        {
            curve.Add(Share(retained[k], eligible[k]));
        }

        return new UsageReport(DateOnly.FromDayNumber(asOf), events, after, skipped, warnings, stats, adoption, curve, perAccount);
    }

    private static double Share(long part, long whole) => whole == 0 ? double.NaN : (double)part / whole;

    // DayNumber 0 is Monday 1 January 0001, so weeks start on Monday.
    private static int Week(int dayNumber) => dayNumber / 7;

    private sealed class Tally
    {
        private int _accounts, _mau;
        private long _daily, _weekly;

        public void Add(ulong window)
        {
            if (window == 0)
            {
                return;
            }

            _accounts = 1;
            _mau++;
            _daily += BitOperations.PopCount(window);
            for (var j = 0; j < WauDays; j++)
            {
                _weekly += ((window >> j) & 0x7F) != 0 ? 1 : 0;
            }
        }

        public void Merge(Tally other)
        {
            _accounts += other._accounts;
            _mau += other._mau;
            _daily += other._daily;
            _weekly += other._weekly;
        }

        public UsageStats ToStats()
        {
            var dau = (double)_daily / Window;
            var wau = (double)_weekly / WauDays;
            return new UsageStats(_accounts, _mau, dau, wau, _mau == 0 ? double.NaN : dau / _mau, _mau == 0 ? double.NaN : wau / _mau);
        }
    }

    private sealed class AccountState(string id)
    {
        private Dictionary<string, UserState>.AlternateLookup<ReadOnlySpan<char>> _lookup;

        public string Id { get; } = id;

        public long Events { get; set; }

        public Dictionary<string, UserState> Users { get; } = new(StringComparer.Ordinal);

        public UserState User(ReadOnlySpan<char> id)
        {
            if (Users.Count == 0)
            {
                _lookup = Users.GetAlternateLookup<ReadOnlySpan<char>>();
            }

            if (!_lookup.TryGetValue(id, out var user))
            {
                user = new UserState();
                Users.Add(id.ToString(), user);
            }

            return user;
        }
    }

    private sealed class UserState
    {
        private int _lastDay = int.MinValue;
        private ulong _days; // bit i: active on _lastDay - i
        private int _baseWeek = int.MaxValue;
        private ulong[] _weeks = [];

        public int[] FeatureLastDay { get; private set; } = [];

        public int FirstWeek { get; private set; } = int.MaxValue;

        public void Mark(int day, int feature)
        {
            if (day > _lastDay)
            {
                var shift = _lastDay == int.MinValue ? 64 : day - _lastDay;
                _days = shift >= 64 ? 0 : _days << shift;
                _lastDay = day;
                _days |= 1;
            }
            else if (_lastDay - day < 64)
            {
                _days |= 1UL << (_lastDay - day);
            }

            if (feature >= FeatureLastDay.Length)
            {
                var grown = new int[feature + 1];
                Array.Fill(grown, int.MinValue);
                FeatureLastDay.CopyTo(grown, 0);
                FeatureLastDay = grown;
            }

            FeatureLastDay[feature] = Math.Max(FeatureLastDay[feature], day);
            MarkWeek(Week(day));
        }

        // Activity on the 30 days to asOf: bit j = active on asOf - j.
        public ulong Window(int asOf)
        {
            if (_lastDay == int.MinValue)
            {
                return 0;
            }

            var offset = asOf - _lastDay;
            var aligned = offset >= 64 ? 0 : _days << offset;
            return aligned & ((1UL << UsageReport.Window) - 1);
        }

        public bool ActiveInWeek(int week)
        {
            var i = week - _baseWeek;
            return i >= 0 && (i >> 6) < _weeks.Length && (_weeks[i >> 6] & (1UL << (i & 63))) != 0;
        }

        private void MarkWeek(int week)
        {
            FirstWeek = Math.Min(FirstWeek, week);
            if (_weeks.Length == 0)
            {
                _baseWeek = week;
                _weeks = new ulong[1];
            }
            else if (week < _baseWeek)
            {
                // Rebase to a multiple of 64 weeks earlier so each word keeps its bit positions.
                var shiftWords = ((_baseWeek - week) + 63) / 64;
                var grown = new ulong[_weeks.Length + shiftWords];
                _weeks.CopyTo(grown, shiftWords);
                _weeks = grown;
                _baseWeek -= shiftWords * 64;
            }

            var i = week - _baseWeek;
            if ((i >> 6) >= _weeks.Length)
            {
                Array.Resize(ref _weeks, Math.Max((i >> 6) + 1, _weeks.Length * 2));
            }

            _weeks[i >> 6] |= 1UL << (i & 63);
        }
    }
}
