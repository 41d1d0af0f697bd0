using System.Globalization;
using CsScoring.Data;
using CsScoring.Health;
using CsScoring.Training.Cli;
using CsScoring.Training.Health;
using Spectre.Console;
using Spectre.Console.Cli;

namespace CsScoring.Training.Cli
{
    internal static partial class CommandRegistry
    {
        static partial void AddHealthCommands(IConfigurator config)
            => config.AddBranch("health", branch =>
            {
                branch.SetDescription("Health scorecards: score accounts with explanations, backtest a scorecard against churn, learn its weights.");
                branch.AddCommand<HealthScoreCommand>("score")
                    .WithDescription("Score each account's latest snapshot: score, band, coverage, trend and top drivers per account.")
                    .WithExample("health", "score", "--data", "data/sample/accounts.csv", "--scorecard", "data/sample/scorecard.json", "--out", "scores.csv");
                branch.AddCommand<HealthBacktestCommand>("backtest")
                    .WithDescription("Check a scorecard against the churn that followed: ROC-AUC, churn rate per band, worst-band lift.")
                    .WithExample("health", "backtest", "--data", "data/sample/accounts.csv", "--scorecard", "data/sample/scorecard.json", "--horizon-days", "90");
                branch.AddCommand<HealthTuneCommand>("tune")
                    .WithDescription("Learn non-negative metric and group weights from churn history; evaluated on a later time window.")
                    .WithExample("health", "tune", "--data", "data/sample/accounts.csv", "--scorecard", "data/sample/scorecard.json", "--out", "tuned.json");
            });
    }
}

namespace CsScoring.Training.Health
{
    /// <summary><c>csscoring health score</c>.</summary>
    internal sealed class HealthScoreCommand : Command<HealthScoreSettings>
    {
        private static SortedDictionary<string, object?> Privacy(CsScoring.Privacy.Pseudonymizer? pseudonymizer)
        {
            var privacy = new PrivacySummary();
            privacy.Pseudonymised(pseudonymizer, "account_id");
            return privacy.ToJson();
        }

        public override int Execute(CommandContext context, HealthScoreSettings settings, CancellationToken cancellationToken)
        {
            var console = new CliConsole(settings);
            if (!settings.Force && File.Exists(settings.Out))
            {
                throw new OutputExistsException($"Output file '{settings.Out}' already exists; pass --force to replace it.", settings.Out!);
            }

            AtomicOutput.EnsureWritableFile(settings.Out!);
            var pseudonymizer = SecretKeys.Pseudonymizer(settings);
            var scorecard = ScorecardSource.Load(settings.Scorecard).Compile();
            BufferedTable snapshots;
            using (var reader = CliReading.Open(settings.Data!))
            {
                snapshots = BufferedTable.Read(reader);
            }

            var data = ReadHistory(snapshots, scorecard, settings.HorizonDays);
            var asOf = settings.AsOf is null ? data.LastDate : DateOnly.ParseExact(settings.AsOf, "yyyy-MM-dd", CultureInfo.InvariantCulture);
            IReadOnlyDictionary<string, HealthOverride>? overrides = null;
            if (settings.Overrides is not null)
            {
                using var reader = CliReading.Open(settings.Overrides);
                overrides = HealthOverrides.Read(reader);
            }

            var selector = settings.Rules is null ? null : ScorecardRules.Load(settings.Rules, scorecard);
            var scorecards = selector is null ? [scorecard] : (IReadOnlyList<CompiledScorecard>)[scorecard, .. selector.Rules.Select(r => r.Scorecard).Distinct()];
            var accounts = console.Step("Scoring", _ => selector is null
                ? data.ScoreLatest(scorecard, asOf, settings.MaxAgeDays, settings.TopDrivers, overrides)
                : ScorecardRules.ScoreLatest(snapshots, data, selector, asOf, settings.MaxAgeDays, settings.TopDrivers, settings.HorizonDays, overrides));
            if (accounts.Count == 0)
            {
                throw new CsScoringException($"{data.Source}: no account has a snapshot between {asOf.AddDays(-settings.MaxAgeDays):yyyy-MM-dd} and {asOf:yyyy-MM-dd}.");
            }

            HealthWorkflow.WriteScores(settings.Out!, accounts, overwrite: settings.Force, pseudonymizer is null ? null : pseudonymizer.Pseudonymize);
            var summary = HealthScoreSummary.Of(accounts, scorecards);
            var expired = accounts.Where(a => a.Override?.State == OverrideState.Expired).Select(a => a.AccountId).ToList();
            foreach (var id in expired)
            {
                console.Warn($"the override of {id} expired on {accounts.First(a => a.AccountId == id).Override!.Override!.Expires:yyyy-MM-dd} and was ignored");
            }

            console.JsonResult(new
            {
                scorecard = scorecard.Name,
                version = scorecard.Version.ToString(),
                scorecards = accounts.GroupBy(a => a.Scorecard).Select(g => new { name = g.Key.Name, version = g.Key.Version.ToString(), accounts = g.Count() }),
                as_of = asOf,
                out_file = settings.Out,
                account_count = summary.Accounts,
                summary.Scored,
                summary.InsufficientData,
                summary.MeanScore,
                summary.CoverageMean,
                summary.Bands,
                overrides_applied = accounts.Count(a => a.Override?.State == OverrideState.Applied),
                overrides_expired = expired.Select(id => pseudonymizer?.Pseudonymize(id) ?? id),
                privacy = Privacy(pseudonymizer),
                accounts = accounts.Select(a => new
                {
                    account_id = pseudonymizer is null ? a.AccountId : pseudonymizer.Pseudonymize(a.AccountId),
                    as_of = a.AsOf,
                    scorecard = a.Scorecard.Name,
                    score = HealthWorkflow.Nullable(a.Result.Score),
                    band = a.Scorecard.BandName(a.Result.Band),
                    status = a.Result.Status,
                    coverage = a.Result.Coverage,
                    trend = a.Trend?.Direction,
                    delta = a.Trend is { } t ? HealthWorkflow.Nullable(t.Delta) : null,
                    top_drivers = a.Drivers.Select(d => new { metric = d.Metric.Name, shortfall = d.Shortfall, points = HealthWorkflow.Nullable(d.Points) }),
                }),
            });

            var table = new Table().AddColumns("band", "from", "accounts", "share");
            foreach (var band in summary.Bands)
            {
                table.AddRow(band.Name, band.From.ToString(CultureInfo.InvariantCulture), band.Accounts.ToString(CultureInfo.InvariantCulture), ((double)band.Accounts / summary.Accounts).ToString("P1", CultureInfo.InvariantCulture));
            }

            console.Result(table);
            var risks = new Table().AddColumns("account", "score", "band", "coverage", "trend", "top drivers");
            foreach (var a in accounts.Where(a => a.Result.IsScored).OrderBy(a => a.Result.Score).Take(10))
            {
                risks.AddRow(
                    Markup.Escape(pseudonymizer?.Pseudonymize(a.AccountId) ?? a.AccountId),
                    a.Result.Score.ToString("F1", CultureInfo.InvariantCulture),
                    a.Scorecard.BandName(a.Result.Band),
                    a.Result.Coverage.ToString("P0", CultureInfo.InvariantCulture),
                    a.Trend is { } t ? $"{HealthWorkflow.Snake(t.Direction)} {t.Delta.ToString("+0.0;-0.0;0.0", CultureInfo.InvariantCulture)}" : string.Empty,
                    Markup.Escape(string.Join(", ", a.Drivers.Select(d => d.Metric.Name))));
            }

            console.Result(risks);
            console.ResultLine(string.Create(CultureInfo.InvariantCulture, $"Scored {summary.Scored} of {summary.Accounts} accounts as of {asOf:yyyy-MM-dd} ({summary.InsufficientData} with insufficient data); wrote {settings.Out}."));
            return ExitCodes.Success;
        }

        private static HealthSnapshots ReadHistory(BufferedTable table, CompiledScorecard scorecard, int horizonDays)
        {
            using var reader = table.CreateReader();
            return HealthSnapshots.Read(reader, scorecard, horizonDays);
        }
    }

    /// <summary>Reads a snapshot file for a scorecard.</summary>
    internal static class HealthData
    {
        public static HealthSnapshots Read(string path, CompiledScorecard scorecard, int horizonDays)
        {
            using var reader = CliReading.Open(path);
            return HealthSnapshots.Read(reader, scorecard, horizonDays);
        }
    }

    /// <summary><c>csscoring health backtest</c>.</summary>
    internal sealed class HealthBacktestCommand : Command<HealthBacktestSettings>
    {
        public override int Execute(CommandContext context, HealthBacktestSettings settings, CancellationToken cancellationToken)
        {
            var console = new CliConsole(settings);
            var scorecard = ScorecardSource.Load(settings.Scorecard).Compile();
            var data = HealthData.Read(settings.Data!, scorecard, settings.HorizonDays);
            DateOnly? asOf = settings.AsOf is null ? null : DateOnly.ParseExact(settings.AsOf, "yyyy-MM-dd", CultureInfo.InvariantCulture);
            var (report, dates) = data.Backtest(scorecard, asOf);
            console.JsonResult(new
            {
                auc = HealthWorkflow.Nullable(report.Auc),
                bands = HealthWorkflow.BandsJson(report),
                coverage_mean = report.CoverageMean,
                churn_rate = HealthWorkflow.Nullable(report.ChurnRate),
                worst_band = report.WorstBand,
                worst_band_lift = HealthWorkflow.Nullable(report.WorstBandLift),
                snapshots = report.Accounts,
                scored = report.Scored,
                insufficient_data = report.InsufficientData,
                as_of = asOf,
                as_of_dates = dates,
                horizon_days = settings.HorizonDays,
                label_source = data.LabelSource,
                scorecard = scorecard.Name,
                version = scorecard.Version.ToString(),
            });
            console.Result(BacktestTable(report));
            console.ResultLine(string.Create(
                CultureInfo.InvariantCulture,
                $"ROC-AUC {report.Auc:F4} over {report.Scored} scored snapshots on {dates} date(s); worst band '{report.WorstBand}' churns {report.WorstBandLift:F2}x the average; mean coverage {report.CoverageMean:P1}."));
            return ExitCodes.Success;
        }

        internal static Table BacktestTable(BacktestReport report)
        {
            var table = new Table().AddColumns("band", "from", "accounts", "churned", "churn rate");
            foreach (var band in report.Bands)
            {
                table.AddRow(band.Name, band.From.ToString(CultureInfo.InvariantCulture), band.Accounts.ToString(CultureInfo.InvariantCulture), band.Churned.ToString(CultureInfo.InvariantCulture), double.IsNaN(band.ChurnRate) ? "-" : band.ChurnRate.ToString("P2", CultureInfo.InvariantCulture));
            }

            table.AddRow("insufficient data", "-", report.InsufficientData.ToString(CultureInfo.InvariantCulture), report.InsufficientDataChurned.ToString(CultureInfo.InvariantCulture), "-");
            return table;
        }
    }

    /// <summary><c>csscoring health tune</c>.</summary>
    internal sealed class HealthTuneCommand : Command<HealthTuneSettings>
    {
        public override int Execute(CommandContext context, HealthTuneSettings settings, CancellationToken cancellationToken)
        {
            var console = new CliConsole(settings);
            if (!settings.Force && File.Exists(settings.Out))
            {
                throw new OutputExistsException($"Output file '{settings.Out}' already exists; pass --force to replace it.", settings.Out!);
            }

            var definition = ScorecardSource.Load(settings.Scorecard);
            var scorecard = definition.Compile();
            var data = HealthData.Read(settings.Data!, scorecard, settings.HorizonDays);
            var windows = data.SplitForTuning(settings.Split is null ? null : DateOnly.ParseExact(settings.Split, "yyyy-MM-dd", CultureInfo.InvariantCulture), settings.HorizonDays);
            var (split, evaluationStart, fit, evaluation) = windows;

            var options = new ScorecardTuningOptions { L2 = settings.L2, MaxIterations = settings.MaxIterations };
            var fitChurned = fit.Select(r => data.Labels[r] > 0).ToArray();
            var evaluationChurned = evaluation.Select(r => data.Labels[r] > 0).ToArray();
            var evaluated = console.Step("Tuning", _ => ScorecardTuner.FitAndEvaluate(scorecard, data.Rows(fit), fitChurned, data.Rows(evaluation), evaluationChurned, options));
            var result = evaluated.Fit;
            var tunedDefinition = new Scorecard
            {
                Name = definition.Name,
                Description = string.Create(CultureInfo.InvariantCulture, $"{definition.Description} Weights learned by csscoring health tune on {fit.Count} snapshots up to {split:yyyy-MM-dd} ({settings.HorizonDays}-day churn).").Trim(),
                Groups = result.Tuned.Groups,
                Bands = definition.Bands,
                MinimumCoverage = definition.MinimumCoverage,
                TrendDeadBand = definition.TrendDeadBand,
            };
            var tuned = evaluated.Tuned;
            var before = evaluated.Before;
            var after = evaluated.After;
            var fitBefore = data.BacktestRows(scorecard, fit);
            var fitAfter = data.BacktestRows(tuned, fit);
            ScorecardJson.Save(settings.Out!, tunedDefinition, overwrite: settings.Force);

            console.JsonResult(new
            {
                auc_before = HealthWorkflow.Nullable(before.Auc),
                auc_after = HealthWorkflow.Nullable(after.Auc),
                fit_auc_before = HealthWorkflow.Nullable(fitBefore.Auc),
                fit_auc_after = HealthWorkflow.Nullable(fitAfter.Auc),
                fit_window = Window(data, fit, fitChurned),
                evaluation_window = Window(data, evaluation, evaluationChurned),
                bands_before = HealthWorkflow.BandsJson(before),
                bands_after = HealthWorkflow.BandsJson(after),
                log_loss_before = result.LogLossBefore,
                log_loss_after = result.LogLossAfter,
                iterations = result.Iterations,
                exit_condition = result.ExitCondition,
                weights = result.Weights.Select(w => new { kind = w.Kind, name = w.Name, before = w.Before, after = w.After }),
                version_before = scorecard.Version.ToString(),
                version_after = tuned.Version.ToString(),
                out_file = settings.Out,
                horizon_days = settings.HorizonDays,
                label_source = data.LabelSource,
            });

            var table = new Table().AddColumns("kind", "name", "weight before", "weight after");
            foreach (var w in result.Weights)
            {
                table.AddRow(HealthWorkflow.Snake(w.Kind), Markup.Escape(w.Name), w.Before.ToString("F4", CultureInfo.InvariantCulture), w.After.ToString("F4", CultureInfo.InvariantCulture));
            }

            console.Result(table);
            console.ResultLine(string.Create(
                CultureInfo.InvariantCulture,
                $"Fitted on {fit.Count} snapshots up to {split:yyyy-MM-dd}; on the {evaluation.Count} snapshots after {evaluationStart:yyyy-MM-dd} the ROC-AUC went from {before.Auc:F4} to {after.Auc:F4}. Wrote {settings.Out}."));
            return ExitCodes.Success;
        }

        private static object Window(HealthSnapshots data, IReadOnlyList<int> rows, bool[] churned) => new
        {
            from = rows.Min(r => data.AsOf[r]),
            to = rows.Max(r => data.AsOf[r]),
            snapshots = rows.Count,
            churned = churned.Count(c => c),
        };
    }
}
