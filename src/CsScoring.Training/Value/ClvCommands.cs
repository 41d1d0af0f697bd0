using System.ComponentModel;
using System.Globalization;
using CsScoring.Data;
using CsScoring.Training.Cli;
using CsScoring.Value;
using Spectre.Console;
using Spectre.Console.Cli;

namespace CsScoring.Training.Value;

/// <summary>The model names the clv commands accept.</summary>
internal static class ClvModels
{
    public const string BgNbd = "bgnbd";
    public const string ParetoNbd = "pnbd";
    public const string GammaGamma = "gg";
    public const string BgBb = "bgbb";

    public static readonly string[] All = [BgNbd, ParetoNbd, GammaGamma, BgBb];

    public static string? Check(string? model)
        => model is not null && All.Contains(model, StringComparer.Ordinal) ? null : $"--model must be one of {string.Join(", ", All)}, not '{model}'.";

    public static ClvCustomers ReadCustomers(string path, TimeUnit unit, DateOnly? calibrationEnd)
    {
        using var reader = CliReading.Open(path);
        return ClvData.ReadCustomers(reader, unit, calibrationEnd);
    }

    public static DiscreteCustomerSummary[] ReadHistories(string path)
    {
        using var reader = CliReading.Open(path);
        return ClvData.ReadHistories(reader);
    }
}

internal sealed class ClvFitSettings : DataReadSettings
{
    [CommandOption("--model <MODEL>")]
    [Description("bgnbd (BG/NBD), pnbd (Pareto/NBD), gg (Gamma-Gamma spend) or bgbb (BG/BB, discrete opportunities).")]
    public string? Model { get; init; }

    [CommandOption("--data <FILE>")]
    [Description("Customer summaries (frequency, recency, T[[, monetary_value]]), BG/BB histories (frequency, recency, periods[[, weights]]) or a transaction log (customer_id, date[[, amount]]).")]
    public string? Data { get; init; }

    [CommandOption("--time-unit <UNIT>")]
    [Description("The unit of recency and T (day, week, month, quarter, year); a log is summarised in it. Default week.")]
    [DefaultValue("week")]
    public string TimeUnit { get; init; } = "week";

    [CommandOption("--calibration-end <DATE>")]
    [Description("For a transaction log: the last day of the calibration period (yyyy-MM-dd); default the log's last date.")]
    public string? CalibrationEnd { get; init; }

    public override ValidationResult Validate()
    {
        if (ClvModels.Check(Model) is { } error)
        {
            return ValidationResult.Error(error);
        }

        if (string.IsNullOrWhiteSpace(Data))
        {
            return ValidationResult.Error("--data is required: the customer summaries or transaction log to fit.");
        }

        if (!CliParsing.TryParseUnit(TimeUnit, out _))
        {
            return ValidationResult.Error($"--time-unit must be one of {CliParsing.UnitNames}, not '{TimeUnit}'.");
        }

        if (CalibrationEnd is not null && !DateOnly.TryParseExact(CalibrationEnd, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _))
        {
            return ValidationResult.Error($"--calibration-end must be a date as yyyy-MM-dd, not '{CalibrationEnd}'.");
        }

        return ValidationResult.Success();
    }
}

/// <summary><c>csscoring clv fit</c>.</summary>
internal sealed class ClvFitCommand : Command<ClvFitSettings>
{
    public override int Execute(CommandContext context, ClvFitSettings settings, CancellationToken cancellationToken)
    {
        var console = new CliConsole(settings);
        var unit = CliParsing.Unit(settings.TimeUnit, "--time-unit");
        DateOnly? end = settings.CalibrationEnd is null ? null : DateOnly.ParseExact(settings.CalibrationEnd, "yyyy-MM-dd", CultureInfo.InvariantCulture);
        var path = settings.Data!;
        string source;
        DateOnly? calibrationEnd = null;
        (IReadOnlyList<string> Names, IReadOnlyList<double> Values, IReadOnlyList<double> Errors, double LogLikelihood, double Observations, int Iterations, bool Converged) fit;
        if (settings.Model == ClvModels.BgBb)
        {
            var histories = ClvModels.ReadHistories(path);
            source = "histories";
            fit = Unpack(console.Step("Fitting BG/BB", _ => BgBbModel.Fit(histories)));
        }
        else
        {
            var data = ClvModels.ReadCustomers(path, unit, end);
            source = data.Source;
            calibrationEnd = data.CalibrationEnd;
            fit = settings.Model switch
            {
                ClvModels.BgNbd => Unpack(console.Step("Fitting BG/NBD", _ => BgNbdModel.Fit(data.Customers.Span))),
                ClvModels.ParetoNbd => Unpack(console.Step("Fitting Pareto/NBD", _ => ParetoNbdModel.Fit(data.Customers.Span))),
                _ => Unpack(console.Step("Fitting Gamma-Gamma", _ => GammaGammaModel.Fit(data.Customers.Span))),
            };
        }

        if (!fit.Converged)
        {
            console.Warn("the optimizer stopped before the gradient met its tolerance; the parameters are the best found.");
        }

        var parameters = new SortedDictionary<string, double>(StringComparer.Ordinal);
        var errors = new SortedDictionary<string, double?>(StringComparer.Ordinal);
        for (var i = 0; i < fit.Names.Count; i++)
        {
            parameters[fit.Names[i]] = fit.Values[i];
            errors[fit.Names[i]] = double.IsFinite(fit.Errors[i]) ? fit.Errors[i] : null;
        }

        console.JsonResult(new
        {
            model = settings.Model,
            parameters,
            standard_errors = errors,
            log_likelihood = fit.LogLikelihood,
            customers = fit.Observations,
            iterations = fit.Iterations,
            converged = fit.Converged,
            time_unit = settings.Model == ClvModels.BgBb ? "opportunity" : CliParsing.Name(unit),
            source,
            calibration_end = calibrationEnd,
        });

        var c = CultureInfo.InvariantCulture;
        var table = new Table().AddColumns("parameter", "estimate", "standard error");
        for (var i = 0; i < fit.Names.Count; i++)
        {
            table.AddRow(fit.Names[i], fit.Values[i].ToString("G6", c), fit.Errors[i].ToString("G4", c));
        }

        console.Result(table);
        console.ResultLine(string.Create(c, $"log-likelihood {fit.LogLikelihood:F2} over {fit.Observations} customers ({fit.Iterations} iterations)."));
        return ExitCodes.Success;
    }

    private static (IReadOnlyList<string>, IReadOnlyList<double>, IReadOnlyList<double>, double, double, int, bool) Unpack<T>(ModelFit<T> fit)
        where T : struct
        => (fit.ParameterNames, fit.Values, fit.StandardErrors, fit.LogLikelihood, fit.Observations, fit.Iterations, fit.Converged);
}

internal sealed class ClvPredictSettings : DataReadSettings
{
    [CommandOption("--model <MODEL>")]
    [Description("bgnbd, pnbd, gg or bgbb.")]
    public string? Model { get; init; }

    [CommandOption("--params <PARAMS>")]
    [Description("The fitted parameters as name=value pairs (r=0.2426,alpha=4.4136,a=0.7929,b=2.4259) or the JSON file clv fit --json wrote.")]
    public string? Params { get; init; }

    [CommandOption("--frequency <X>")]
    [Description("One customer: repeat transactions x.")]
    public int? Frequency { get; init; }

    [CommandOption("--recency <TX>")]
    [Description("One customer: time of the last repeat transaction t_x (BG/BB: its opportunity).")]
    public double? Recency { get; init; }

    [CommandOption("-T|--age <T>")]
    [Description("One customer: age T, time from the first transaction to the end of calibration (BG/BB: opportunities n). Also spelled --T.")]
    public double? Age { get; init; }

    [CommandOption("--monetary <VALUE>")]
    [Description("One customer: mean value of the repeat transactions (for gg and --spend-params).")]
    public double? Monetary { get; init; }

    [CommandOption("--data <FILE>")]
    [Description("Many customers: a file as for clv fit.")]
    public string? Data { get; init; }

    [CommandOption("--horizon <T>")]
    [Description("The future period, in --horizon-unit (BG/BB: opportunities).")]
    public double? Horizon { get; init; }

    [CommandOption("--time-unit <UNIT>")]
    [Description("The model's time unit (the unit of recency and T it was fitted in). Default week.")]
    [DefaultValue("week")]
    public string TimeUnit { get; init; } = "week";

    [CommandOption("--horizon-unit <UNIT>")]
    [Description("The unit of --horizon; default the model's time unit.")]
    public string? HorizonUnit { get; init; }

    [CommandOption("--discount <D>")]
    [Description("Discount rate per --discount-period for CLV (default 0).")]
    [DefaultValue(0.0)]
    public double Discount { get; init; }

    [CommandOption("--discount-period <UNIT>")]
    [Description("The period of --discount; default the horizon unit.")]
    public string? DiscountPeriod { get; init; }

    [CommandOption("--spend <AMOUNT>")]
    [Description("CLV: a fixed expected spend per transaction.")]
    public double? Spend { get; init; }

    [CommandOption("--spend-params <PARAMS>")]
    [Description("CLV: Gamma-Gamma parameters (p=..,q=..,gamma=..) for each customer's expected spend.")]
    public string? SpendParams { get; init; }

    [CommandOption("--calibration-end <DATE>")]
    [Description("For a transaction log in --data: the calibration end (yyyy-MM-dd).")]
    public string? CalibrationEnd { get; init; }

    [CommandOption("--out <FILE>")]
    [Description("With --data: write one row of predictions per customer to this CSV file.")]
    public string? Out { get; init; }

    [CommandOption("--force")]
    [Description("Replace --out if it exists.")]
    public bool Force { get; init; }

    public override ValidationResult Validate()
    {
        if (ClvModels.Check(Model) is { } error)
        {
            return ValidationResult.Error(error);
        }

        if (string.IsNullOrWhiteSpace(Params))
        {
            return ValidationResult.Error("--params is required: the fitted parameters (name=value,...) or a clv fit --json file.");
        }

        var single = Frequency is not null || Recency is not null || Age is not null;
        if (single == (Data is not null))
        {
            return ValidationResult.Error("give either one customer (--frequency, --recency, -T) or --data FILE.");
        }

        if (single && (Frequency is null || Recency is null || Age is null) && Model != ClvModels.GammaGamma)
        {
            return ValidationResult.Error("one customer needs --frequency, --recency and -T.");
        }

        if (Model != ClvModels.GammaGamma && Horizon is not > 0)
        {
            return ValidationResult.Error("--horizon is required and must be > 0.");
        }

        foreach (var (option, value) in new[] { ("--time-unit", TimeUnit), ("--horizon-unit", HorizonUnit), ("--discount-period", DiscountPeriod) })
        {
            if (value is not null && !CliParsing.TryParseUnit(value, out _))
            {
                return ValidationResult.Error($"{option} must be one of {CliParsing.UnitNames}, not '{value}'.");
            }
        }

        if (Discount < 0 || !double.IsFinite(Discount))
        {
            return ValidationResult.Error($"--discount must be >= 0, not {Discount}.");
        }

        if (Spend is < 0)
        {
            return ValidationResult.Error($"--spend must be >= 0, not {Spend}.");
        }

        if (Out is not null && Data is null)
        {
            return ValidationResult.Error("--out needs --data.");
        }

        return ValidationResult.Success();
    }
}

/// <summary><c>csscoring clv predict</c>.</summary>
internal sealed class ClvPredictCommand : Command<ClvPredictSettings>
{
    private sealed record Prediction(string CustomerId, double? ExpectedTransactions, double? PAlive, double? ExpectedSpend, double? Clv);

    public override int Execute(CommandContext context, ClvPredictSettings settings, CancellationToken cancellationToken)
    {
        var console = new CliConsole(settings);
        var values = CliParsing.ParseParameters(settings.Params!);
        var unit = CliParsing.Unit(settings.TimeUnit, "--time-unit");
        var horizonUnit = settings.HorizonUnit is null ? unit : CliParsing.Unit(settings.HorizonUnit, "--horizon-unit");
        var discountPeriod = settings.DiscountPeriod is null ? horizonUnit : CliParsing.Unit(settings.DiscountPeriod, "--discount-period");
        GammaGammaParameters? spendModel = null;
        if (settings.SpendParams is not null)
        {
            var s = CliParsing.ParseParameters(settings.SpendParams);
            spendModel = new GammaGammaParameters(CliParsing.Require(s, "p", "gg"), CliParsing.Require(s, "q", "gg"), CliParsing.Require(s, "gamma", "gg"));
        }

        if (settings.Model == ClvModels.GammaGamma)
        {
            spendModel = new GammaGammaParameters(CliParsing.Require(values, "p", "gg"), CliParsing.Require(values, "q", "gg"), CliParsing.Require(values, "gamma", "gg"));
        }

        var predictions = settings.Model == ClvModels.BgBb
            ? PredictBgBb(settings, values)
            : PredictContinuous(settings, values, unit, horizonUnit, discountPeriod, spendModel);

        var units = new
        {
            time_unit = settings.Model == ClvModels.BgBb ? "opportunity" : CliParsing.Name(unit),
            horizon = settings.Horizon,
            horizon_unit = settings.Model == ClvModels.BgBb ? "opportunity" : CliParsing.Name(horizonUnit),
            discount_rate = settings.Discount,
            discount_period = settings.Model == ClvModels.BgBb ? "opportunity" : CliParsing.Name(discountPeriod),
        };
        var c = CultureInfo.InvariantCulture;
        if (settings.Data is null)
        {
            var p = predictions[0];
            console.JsonResult(new
            {
                model = settings.Model,
                expected_transactions = p.ExpectedTransactions,
                p_alive = p.PAlive,
                expected_spend = p.ExpectedSpend,
                clv = p.Clv,
                units.time_unit,
                units.horizon,
                units.horizon_unit,
                units.discount_rate,
                units.discount_period,
            });
            var table = new Table().AddColumns("prediction", "value");
            Add(table, $"expected transactions in the next {settings.Horizon} {units.horizon_unit}(s)", p.ExpectedTransactions);
            Add(table, "P(alive)", p.PAlive);
            Add(table, "expected spend per transaction", p.ExpectedSpend);
            Add(table, "CLV", p.Clv);
            console.Result(table);
            if (p.Clv is null && settings.Model != ClvModels.GammaGamma)
            {
                console.Note("No CLV: pass --spend (a spend per transaction) or --spend-params with --monetary.");
            }

            return ExitCodes.Success;
        }

        if (settings.Out is not null)
        {
            AtomicOutput.WriteText(settings.Out, writer =>
            {
                using var csv = new CsvWriter(writer);
                csv.WriteRow(["customer_id", "expected_transactions", "p_alive", "expected_spend", "clv"]);
                foreach (var p in predictions)
                {
                    csv.WriteRow([p.CustomerId, Cell(p.ExpectedTransactions), Cell(p.PAlive), Cell(p.ExpectedSpend), Cell(p.Clv)]);
                }
            }, settings.Force);
        }

        var result = new
        {
            model = settings.Model,
            customers = predictions.Count,
            expected_transactions = Sum(predictions, p => p.ExpectedTransactions),
            mean_p_alive = Mean(predictions, p => p.PAlive),
            mean_expected_spend = Mean(predictions, p => p.ExpectedSpend),
            clv = Sum(predictions, p => p.Clv),
            units.time_unit,
            units.horizon,
            units.horizon_unit,
            units.discount_rate,
            units.discount_period,
            @out = settings.Out,
            predictions = settings.Out is null ? predictions.Select(p => new { customer_id = p.CustomerId, expected_transactions = p.ExpectedTransactions, p_alive = p.PAlive, expected_spend = p.ExpectedSpend, clv = p.Clv }).ToList() : null,
        };
        console.JsonResult(result);
        console.ResultLine(string.Create(c, $"{predictions.Count} customers: {result.expected_transactions:F1} expected transactions, mean P(alive) {result.mean_p_alive:F3}, total CLV {(result.clv is { } v ? v.ToString("N2", c) : "n/a")}."));
        if (settings.Out is not null)
        {
            console.ResultLine($"Wrote {settings.Out}.");
        }

        return ExitCodes.Success;
    }

    private static List<Prediction> PredictContinuous(ClvPredictSettings settings, Dictionary<string, double> values, TimeUnit unit, TimeUnit horizonUnit, TimeUnit discountPeriod, GammaGammaParameters? spendModel)
    {
        ClvCustomers data;
        if (settings.Data is not null)
        {
            DateOnly? end = settings.CalibrationEnd is null ? null : DateOnly.ParseExact(settings.CalibrationEnd, "yyyy-MM-dd", CultureInfo.InvariantCulture);
            data = ClvModels.ReadCustomers(settings.Data, unit, end);
        }
        else
        {
            var customer = new CustomerSummary(settings.Frequency ?? 1, settings.Recency ?? 0, settings.Age ?? settings.Recency ?? 0, settings.Monetary ?? 0);
            data = new ClvCustomers(["customer"], new[] { customer }, "options", null);
        }

        if (settings.Model == ClvModels.GammaGamma)
        {
            return [.. data.Customers.ToArray().Select((c, i) => new Prediction(data.Ids[i], null, null, spendModel!.Value.ExpectedSpend(c.Frequency, c.MonetaryValue), null))];
        }

        var options = new ClvOptions
        {
            ModelTimeUnit = unit,
            Horizon = settings.Horizon!.Value,
            HorizonUnit = horizonUnit,
            DiscountRate = settings.Discount,
            DiscountPeriod = discountPeriod,
        };
        return settings.Model == ClvModels.BgNbd
            ? Predict(new BgNbdParameters(CliParsing.Require(values, "r", "bgnbd"), CliParsing.Require(values, "alpha", "bgnbd"), CliParsing.Require(values, "a", "bgnbd"), CliParsing.Require(values, "b", "bgnbd")), data, options, settings.Spend, spendModel)
            : Predict(new ParetoNbdParameters(CliParsing.Require(values, "r", "pnbd"), CliParsing.Require(values, "alpha", "pnbd"), CliParsing.Require(values, "s", "pnbd"), CliParsing.Require(values, "beta", "pnbd")), data, options, settings.Spend, spendModel);
    }

    private static List<Prediction> Predict<TModel>(TModel model, ClvCustomers data, ClvOptions options, double? spend, GammaGammaParameters? spendModel)
        where TModel : struct, IRepeatTransactionModel
    {
        var horizon = options.HorizonInModelUnits;
        var result = new List<Prediction>(data.Customers.Length);
        for (var i = 0; i < data.Customers.Length; i++)
        {
            var customer = data.Customers.Span[i];
            double? amount = spend ?? spendModel?.ExpectedSpend(customer.Frequency, customer.MonetaryValue);
            double? clv = amount is { } a ? CustomerValue.Clv(model, customer, a, options) : null;
            result.Add(new Prediction(data.Ids[i], model.ExpectedTransactions(customer, horizon), model.ProbabilityAlive(customer), amount, clv));
        }

        return result;
    }

    private static List<Prediction> PredictBgBb(ClvPredictSettings settings, Dictionary<string, double> values)
    {
        var model = new BgBbParameters(CliParsing.Require(values, "alpha", "bgbb"), CliParsing.Require(values, "beta", "bgbb"), CliParsing.Require(values, "gamma", "bgbb"), CliParsing.Require(values, "delta", "bgbb"));
        var horizon = (int)Math.Round(settings.Horizon!.Value);
        var histories = settings.Data is not null
            ? ClvModels.ReadHistories(settings.Data)
            : [new DiscreteCustomerSummary(settings.Frequency!.Value, (int)settings.Recency!.Value, (int)settings.Age!.Value)];
        var result = new List<Prediction>(histories.Length);
        for (var i = 0; i < histories.Length; i++)
        {
            var h = histories[i];
            double? clv = settings.Spend is { } amount ? amount * model.DiscountedExpectedTransactions(h, horizon, settings.Discount) : null;

            result.Add(new Prediction((i + 1).ToString(CultureInfo.InvariantCulture), model.ExpectedTransactions(h, horizon), model.ProbabilityAlive(h), settings.Spend, clv));
        }

        return result;
    }

    private static void Add(Table table, string name, double? value)
    {
        if (value is { } v)
        {
            table.AddRow(name, v.ToString("G6", CultureInfo.InvariantCulture));
        }
    }

    private static string Cell(double? value) => value is { } v ? v.ToString("R", CultureInfo.InvariantCulture) : string.Empty;

    private static double? Sum(List<Prediction> predictions, Func<Prediction, double?> select)
        => predictions.All(p => select(p) is not null) ? predictions.Sum(p => select(p)!.Value) : null;

    private static double? Mean(List<Prediction> predictions, Func<Prediction, double?> select)
        => predictions.All(p => select(p) is not null) ? predictions.Average(p => select(p)!.Value) : null;
}
