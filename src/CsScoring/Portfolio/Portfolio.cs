using System.Globalization;
using System.Runtime.InteropServices;
using CsScoring.Churn;
using CsScoring.Churn.Explain;
using CsScoring.Churn.Features;
using CsScoring.Data;
using CsScoring.Health;
using CsScoring.Playbooks;
using CsScoring.Segmentation;
using CsScoring.Value;

namespace CsScoring.Portfolio;

/// <summary>How a portfolio is built.</summary>
/// <remarks>Immutable and thread-safe.</remarks>
public sealed record PortfolioOptions
{
    private readonly int _trendPeriods = 3;
    private readonly int _topReasons = 3;
    private readonly int _topDrivers = 3;
    private readonly int _batchSize = 4096;
    private readonly int _queueLength = 25;

    /// <summary>The as-of date (explicit or inferred) and what to do with rows after it.</summary>
    /// <value>The default value is <see cref="CustomerBaseOptions.Default"/>.</value>
    public CustomerBaseOptions CustomerBase { get; init; } = CustomerBaseOptions.Default;

    /// <summary>How many snapshots back the health change is measured over (≥ 1).</summary>
    /// <value>The default value is 3 (a quarter of monthly snapshots).</value>
    public int TrendPeriods { get => _trendPeriods; init => _trendPeriods = OptionGuard.InRange(value, 1, 1000, nameof(PortfolioOptions), nameof(TrendPeriods)); }

    /// <summary>
    /// What makes an account at risk for the playbook lint, the reports and the dashboard: the churn model's high band,
    /// or health down by <see cref="AtRiskRule.FallingHealthPoints"/> points over <see cref="TrendPeriods"/> snapshots.
    /// </summary>
    /// <value>The default value is <see cref="AtRiskRule.Default"/> (a fall of 15 points).</value>
    public AtRiskRule AtRisk { get; init; } = AtRiskRule.Default;

    /// <summary>How many churn reasons per account (0: none, and no explanation cost).</summary>
    /// <value>The default value is 3.</value>
    public int TopReasons { get => _topReasons; init => _topReasons = OptionGuard.InRange(value, 0, 20, nameof(PortfolioOptions), nameof(TopReasons)); }

    /// <summary>How many health drivers per account (0: none).</summary>
    /// <value>The default value is 3.</value>
    public int TopDrivers { get => _topDrivers; init => _topDrivers = OptionGuard.InRange(value, 0, 20, nameof(PortfolioOptions), nameof(TopDrivers)); }

    /// <summary>Accounts per batch (model scoring and rows handed to the caller).</summary>
    /// <value>The default value is 4096.</value>
    public int BatchSize { get => _batchSize; init => _batchSize = OptionGuard.InRange(value, 1, 1 << 20, nameof(PortfolioOptions), nameof(BatchSize)); }

    /// <summary>How many actions each owner's queue in the summary keeps.</summary>
    /// <value>The default value is 25.</value>
    public int QueueLength { get => _queueLength; init => _queueLength = OptionGuard.InRange(value, 0, 100_000, nameof(PortfolioOptions), nameof(QueueLength)); }

    /// <summary>The tiering method and the escalation rule.</summary>
    /// <value>The default value is <see cref="TieringOptions"/> with its defaults (shares 5 % / 25 %, escalation on).</value>
    public TieringOptions Tiering { get; init; } = new();

    /// <summary>The CS capacity model of the headcount plan.</summary>
    /// <value>The default value is <see cref="CapacityOptions"/> with its defaults.</value>
    public CapacityOptions Capacity { get; init; } = new();

    /// <summary>The retention and value model.</summary>
    /// <value>The default value is <see cref="PortfolioValueModel"/> with its defaults.</value>
    public PortfolioValueModel Value { get; init; } = new();

    /// <summary>The MRR column.</summary>
    /// <value>The default value is <c>mrr</c>.</value>
    public string MrrColumn { get; init; } = "mrr";

    /// <summary>The tenure column (whole months); absent means 0.</summary>
    /// <value>The default value is <c>tenure_months</c>.</value>
    public string TenureColumn { get; init; } = "tenure_months";
}

/// <summary>
/// Builds the CS portfolio: from the account snapshots at an as-of date, a churn model, a compiled scorecard, the
/// value model and a playbook, one <see cref="PortfolioRow"/> per current customer with its health and trend, churn
/// risk and reasons, potential / expected / at-risk value, tier, priority and next action, plus a
/// <see cref="PortfolioSummary"/>.
/// </summary>
/// <remarks>
/// <para>
/// Two streaming passes over the snapshots. The first scores churn in batches with the compiled model and health with
/// the scorecard, keeping a few numbers per current customer (tens of bytes each); tiers and priorities, which rank the
/// whole book, are then assigned. The second pass explains each account, applies the playbook and hands the rows to the
/// caller batch by batch, so memory is bounded by the book's size in numbers, never by rows of text.
/// </para>
/// <para>
/// The playbook sees these attributes: <c>account_id</c>, <c>arr</c>, <c>mrr</c>, <c>health_score</c>,
/// <c>health_band</c>, <c>health_change</c>, <c>health_coverage</c>, <c>churn_probability</c>, <c>churn_band</c>
/// (<c>low</c>, <c>medium</c>, <c>high</c>), <c>reason_1_feature</c> .. <c>reason_3_feature</c> (the column),
/// <c>reason_N_direction</c> (<c>raises</c> or <c>lowers</c>), <c>reason_N_role</c> (<c>signal</c> or <c>context</c>, the model's
/// own role of the column), <c>reason_N_signal</c> (<c>usage</c>, <c>support</c>, <c>sentiment</c>, <c>billing</c>; blank for context),
/// <c>tier</c> (<c>high_touch</c>, <c>low_touch</c>, <c>tech_touch</c>), <c>escalated</c>, <c>potential_value</c>,
/// <c>expected_value</c>, <c>value_at_risk</c> (blank when unbounded), <c>priority</c>, and any column of the snapshot
/// (<c>tenure_months</c>, <c>contract_type</c>, <c>days_to_renewal</c>...) as the file holds it.
/// </para>
/// <para>An instance is immutable and thread-safe; each build reads its own readers.</para>
/// </remarks>
public sealed class PortfolioBuilder
{
    private readonly ChurnModel _model;
    private readonly CompiledScorecard _scorecard;
    private readonly Playbook _playbook;
    private readonly PortfolioOptions _options;

    /// <summary>Creates a builder.</summary>
    /// <param name="model">The churn model.</param>
    /// <param name="scorecard">The health scorecard.</param>
    /// <param name="playbook">The playbook.</param>
    /// <param name="options">The options; <see langword="null"/> for the defaults.</param>
    public PortfolioBuilder(ChurnModel model, CompiledScorecard scorecard, Playbook playbook, PortfolioOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(scorecard);
        ArgumentNullException.ThrowIfNull(playbook);
        _model = model;
        _scorecard = scorecard;
        _playbook = playbook;
        _options = options ?? new PortfolioOptions();
    }

    /// <summary>Builds the whole portfolio in memory, rows by priority.</summary>
    /// <param name="openAccounts">Opens a fresh reader over the snapshot table (called twice).</param>
    /// <returns>The rows and the summary.</returns>
    /// <exception cref="DataFormatException">A cell is invalid, a column is missing, or a row is after the as-of date under <see cref="FutureRowPolicy.Error"/> (file, row and column named).</exception>
    /// <exception cref="CsScoringException">The data has no current customer.</exception>
    public PortfolioResult Build(Func<TabularReader> openAccounts) => Build(openAccounts, churnScores: null);

    /// <summary>Builds the whole portfolio in memory, rows by priority, on churn scores already computed.</summary>
    /// <param name="openAccounts">Opens a fresh reader over the snapshot table (called twice).</param>
    /// <param name="churnScores">See <see cref="Build(Func{TabularReader}, IReadOnlyList{ScoredRow}?, Action{IReadOnlyList{PortfolioRow}})"/>.</param>
    /// <returns>The rows and the summary.</returns>
    /// <exception cref="DataFormatException">A cell is invalid, a column is missing, or a row is after the as-of date under <see cref="FutureRowPolicy.Error"/> (file, row and column named).</exception>
    /// <exception cref="CsScoringException">The data has no current customer.</exception>
    /// <exception cref="ArgumentException">The scores do not match the current customers.</exception>
    public PortfolioResult Build(Func<TabularReader> openAccounts, IReadOnlyList<ScoredRow>? churnScores)
    {
        var rows = new List<PortfolioRow>();
        var summary = Build(openAccounts, churnScores, batch => rows.AddRange(batch));
        rows.Sort((a, b) => a.Priority.CompareTo(b.Priority));
        return new PortfolioResult(rows, summary);
    }

    /// <summary>Builds the portfolio, handing the rows to <paramref name="onBatch"/> batch by batch in file order.</summary>
    /// <param name="openAccounts">Opens a fresh reader over the snapshot table (called twice).</param>
    /// <param name="onBatch">Receives each batch of rows; the list is reused after the call returns.</param>
    /// <returns>The summary.</returns>
    /// <exception cref="DataFormatException">A cell is invalid, a column is missing, or a row is after the as-of date under <see cref="FutureRowPolicy.Error"/> (file, row and column named).</exception>
    /// <exception cref="CsScoringException">The data has no current customer.</exception>
    public PortfolioSummary Build(Func<TabularReader> openAccounts, Action<IReadOnlyList<PortfolioRow>> onBatch) => Build(openAccounts, null, onBatch);

    /// <summary>
    /// Builds the portfolio on churn scores already computed (e.g. by a <see cref="ChurnScoringJob"/> that also wrote the
    /// predictions file), so the model scores each account once; rows go to <paramref name="onBatch"/> batch by batch.
    /// </summary>
    /// <param name="openAccounts">Opens a fresh reader over the snapshot table (called twice).</param>
    /// <param name="churnScores">
    /// The churn probability of every current customer, one per current snapshot in file order, as
    /// <see cref="ChurnScoringJob"/> with <see cref="ChurnScoringJob.KeepScores"/> and an <see cref="ChurnScoringJob.Include"/>
    /// of <see cref="CustomerBase.IsCurrent"/> returns them (ids checked when present); <see langword="null"/> to score
    /// with the model.
    /// </param>
    /// <param name="onBatch">Receives each batch of rows; the list is reused after the call returns.</param>
    /// <returns>The summary.</returns>
    /// <exception cref="DataFormatException">A cell is invalid, a column is missing, or a row is after the as-of date under <see cref="FutureRowPolicy.Error"/> (file, row and column named).</exception>
    /// <exception cref="CsScoringException">The data has no current customer.</exception>
    /// <exception cref="ArgumentException">The scores do not match the current customers (count or account id).</exception>
    public PortfolioSummary Build(Func<TabularReader> openAccounts, IReadOnlyList<ScoredRow>? churnScores, Action<IReadOnlyList<PortfolioRow>> onBatch)
    {
        ArgumentNullException.ThrowIfNull(openAccounts);
        ArgumentNullException.ThrowIfNull(onBatch);
        CustomerBase customers;
        using (var reader = openAccounts())
        {
            customers = CustomerBase.Read(reader, _options.CustomerBase);
        }

        var book = new Book(customers, _options.TrendPeriods);
        if (book.Count == 0)
        {
            throw new CsScoringException($"{customers.Source}: no current customer as of {customers.AsOf:yyyy-MM-dd}.");
        }

        if (churnScores is not null && churnScores.Count != book.Count)
        {
            throw new ArgumentException($"{customers.Source}: {churnScores.Count} churn scores were given for {book.Count} current customers as of {customers.AsOf:yyyy-MM-dd}.", nameof(churnScores));
        }

        var model = ScoreFirstPass(openAccounts, book, churnScores);
        ValueAndRank(book, model);
        return SecondPass(openAccounts, book, model, customers, onBatch);
    }

    // Pass 1: churn probability (batched), health now and N back, MRR and tenure per current customer.
    private ChurnModel ScoreFirstPass(Func<TabularReader> openAccounts, Book book, IReadOnlyList<ScoredRow>? scores)
    {
        var model = _model;
        var background = _options.TopReasons > 0 && model.Background is null ? model.CreateBackground() : null;
        using var reader = openAccounts();
        model.CheckColumns(reader.Columns, reader.SourceName);
        var columns = ScorecardColumns.Bind(_scorecard, reader);
        var mrr = reader.TryGetOrdinal(_options.MrrColumn, out var m) ? m : -1;
        var tenure = reader.TryGetOrdinal(_options.TenureColumn, out var t) ? t : -1;
        var width = model.FeatureCount;
        var batch = _options.BatchSize;
        var features = new float[batch * width];
        var probabilities = new float[batch];
        var owners = new int[batch];
        var values = new double[_scorecard.MetricCount];
        var pending = 0;
        var scored = 0;
        while (reader.Read())
        {
            var row = (int)(reader.RowNumber - 1);
            var current = book.CurrentIndexOf(row);
            var back = book.BackIndexOf(row);
            if (current < 0 && back < 0)
            {
                continue;
            }

            columns.Read(values);
            var score = _scorecard.Score(values);
            if (back >= 0)
            {
                book.HealthBack[back] = score;
                book.HasBack[back] = true;
            }

            if (current < 0)
            {
                continue;
            }

            book.Health[current] = score;
            book.Mrr[current] = mrr >= 0 && reader.GetDoubleOrNaN(mrr) is var monthly && !double.IsNaN(monthly) ? (decimal)monthly : 0m;
            book.Tenure[current] = tenure >= 0 && reader.GetDoubleOrNaN(tenure) is var months && double.IsFinite(months) ? (int)Math.Max(0, Math.Floor(months)) : 0;
            if (scores is not null)
            {
                // Given scores follow the current snapshots in file order, as this pass meets them.
                var given = scores[scored++];
                if (given.Id is { } id && !string.Equals(id, book.Ids[current], StringComparison.Ordinal))
                {
                    throw new ArgumentException($"{reader.SourceName}: churn score {scored} is for account '{id}', but current snapshot {scored} (row {reader.RowNumber}) is account '{book.Ids[current]}'.", nameof(scores));
                }

                book.Probability[current] = given.Probability;
                if (background is not null)
                {
                    model.Mapper.Map(reader, features.AsSpan(0, width));
                    background.Add(features.AsSpan(0, width));
                }

                continue;
            }

            var slot = features.AsSpan(pending * width, width);
            model.Mapper.Map(reader, slot);
            background?.Add(slot);
            owners[pending++] = current;
            if (pending == batch)
            {
                Flush(model, features, probabilities, owners, pending, book);
                pending = 0;
            }
        }

        Flush(model, features, probabilities, owners, pending, book);
        return background is { Rows: > 0 } ? background.Build() : model;
    }

    private static void Flush(ChurnModel model, float[] features, float[] probabilities, int[] owners, int count, Book book)
    {
        if (count == 0)
        {
            return;
        }

        model.PredictBatch(features.AsSpan(0, count * model.FeatureCount), count, probabilities.AsSpan(0, count));
        for (var k = 0; k < count; k++)
        {
            book.Probability[owners[k]] = probabilities[k];
        }
    }

    // Values every account, tiers the book by potential value and ranks it by value at risk.
    private void ValueAndRank(Book book, ChurnModel model)
    {
        var valueModel = _options.Value;
        var lifetimes = new Dictionary<int, double?>();
        for (var j = 0; j < book.Count; j++)
        {
            if (!lifetimes.TryGetValue(book.Tenure[j], out var lifetime))
            {
                lifetime = valueModel.ResidualLifetime(book.Tenure[j]);
                lifetimes[book.Tenure[j]] = lifetime;
            }

            var p = book.Probability[j];
            book.Values[j] = PortfolioValue.Of(valueModel.PotentialValue(book.Mrr[j], lifetime), float.IsNaN(p) ? double.NaN : Math.Clamp(p, 0, 1));
        }

        var potential = new LtvResult[book.Count];
        for (var j = 0; j < book.Count; j++)
        {
            potential[j] = book.Values[j].Potential;
        }

        TierAssignment.Assign(book.Ids, potential, book.Probability, model.Manifest.Thresholds.Bands.High, _options.Tiering, book.Tiers, book.Escalated);

        // Priority: most value at risk first (unbounded first), then most potential value, then account id.
        var atRisk = new LtvResult[book.Count];
        for (var j = 0; j < book.Count; j++)
        {
            atRisk[j] = book.Values[j].AtRisk;
        }

        var order = ValueOrder.Rank(book.Ids, atRisk, potential);
        Span<int> perTier = stackalloc int[3];
        for (var rank = 0; rank < order.Length; rank++)
        {
            var j = order[rank];
            book.Priority[j] = rank + 1;
            book.TierPriority[j] = ++perTier[(int)book.Tiers[j]];
        }
    }

    // Pass 2: explanations, playbook, rows; the summary's accumulators.
    private PortfolioSummary SecondPass(Func<TabularReader> openAccounts, Book book, ChurnModel model, CustomerBase customers, Action<IReadOnlyList<PortfolioRow>> onBatch)
    {
        var asOf = customers.AsOf;
        var schema = model.Manifest.Features;
        var attributes = new PlaybookAttributes(_playbook);
        var lint = new PlaybookLint(_options.AtRisk);
        var tiers = new TierAccumulator();
        var queues = new QueueAccumulator(_options.QueueLength);
        var actions = new Dictionary<string, (int Accounts, decimal Arr, decimal AtRisk)>(StringComparer.Ordinal);
        var bands = new BandAccumulator(_scorecard, _options.TrendPeriods);
        var batch = new List<PortfolioRow>(_options.BatchSize);
        // Accounts go through in chunks: the reader's cells each needs are taken as it is read, then the chunk is
        // explained at once (tree by tree, with the tables in cache) and its rows built.
        const int ChunkRows = 64;
        var featureCount = model.FeatureCount;
        var chunkBook = new int[ChunkRows];
        var chunkDrivers = new string[ChunkRows][];
        var features = new float[ChunkRows * featureCount];
        var contributions = new float[ChunkRows * featureCount];
        var blanks = new bool[ChunkRows * schema.Columns.Count];
        var raw = new string?[ChunkRows * attributes.RawCount];
        var candidates = new ChurnReason[_options.TopReasons * 2];
        var roles = new ColumnRole[candidates.Length];
        var values = new double[_scorecard.MetricCount];
        var pending = 0;
        using (var reader = openAccounts())
        {
            var columns = ScorecardColumns.Bind(_scorecard, reader);
            attributes.Bind(reader);
            var columnOrdinals = new int[schema.Columns.Count];
            for (var c = 0; c < columnOrdinals.Length; c++)
            {
                columnOrdinals[c] = reader.TryGetOrdinal(schema.Columns[c].Name, out var o) ? o : -1;
            }

            while (reader.Read())
            {
                var j = book.CurrentIndexOf((int)(reader.RowNumber - 1));
                if (j < 0)
                {
                    continue;
                }

                var k = pending++;
                chunkBook[k] = j;
                if (_options.TopReasons > 0)
                {
                    model.Mapper.Map(reader, features.AsSpan(k * featureCount, featureCount));
                    for (var c = 0; c < columnOrdinals.Length; c++)
                    {
                        blanks[(k * columnOrdinals.Length) + c] = columnOrdinals[c] >= 0 && reader.IsBlank(columnOrdinals[c]);
                    }
                }

                chunkDrivers[k] = [];
                if (_options.TopDrivers > 0)
                {
                    columns.Read(values);
                    chunkDrivers[k] = [.. _scorecard.Explain(values).TopDrivers(_options.TopDrivers).Select(d => d.Metric.Name)];
                }

                attributes.Capture(reader, raw.AsSpan(k * attributes.RawCount, attributes.RawCount));
                if (pending == ChunkRows)
                {
                    EmitChunk();
                }
            }

            EmitChunk();
        }

        void EmitChunk()
        {
            if (pending == 0)
            {
                return;
            }

            if (_options.TopReasons > 0)
            {
                model.ExplainBatch(features.AsSpan(0, pending * featureCount), contributions.AsSpan(0, pending * featureCount));
            }

            for (var k = 0; k < pending; k++)
            {
                EmitRow(k);
            }

            pending = 0;
        }

        void EmitRow(int k)
        {
            var j = chunkBook[k];
            var reasons = Array.Empty<PortfolioReason>();
            if (_options.TopReasons > 0)
            {
                var rowFeatures = features.AsSpan(k * featureCount, featureCount);
                var count = model.TopReasons(rowFeatures, contributions.AsSpan(k * featureCount, featureCount), candidates);
                reasons = Reasons(model, schema, blanks.AsSpan(k * schema.Columns.Count, schema.Columns.Count), candidates.AsSpan(0, count), roles);
            }

            var health = book.Health[j];
            var change = book.HasBack[j] && health.IsScored && book.HealthBack[j].IsScored ? health.Score - book.HealthBack[j].Score : double.NaN;
            var row = new PortfolioRow
            {
                AccountId = book.Ids[j],
                AsOf = asOf,
                Arr = book.Mrr[j] * 12m,
                TenureMonths = book.Tenure[j],
                HealthScore = health.IsScored ? health.Score : double.NaN,
                HealthBand = _scorecard.BandName(health.IsScored ? health.Band : -1),
                HealthChange = change,
                HealthCoverage = health.Coverage,
                HealthDrivers = chunkDrivers[k],
                ChurnProbability = book.Probability[j],
                ChurnBand = model.BandOf(book.Probability[j]),
                TopReasons = reasons,
                Value = book.Values[j],
                Tier = book.Tiers[j],
                Escalated = book.Escalated[j],
                Priority = book.Priority[j],
                TierPriority = book.TierPriority[j],
                Action = null,
                Owner = null,
                Due = null,
            };
            var action = _playbook.Recommend(attributes.Fill(raw.AsSpan(k * attributes.RawCount, attributes.RawCount), row));
            if (action is not null)
            {
                row = row with
                {
                    Action = action,
                    Owner = row.Escalated ? PlaybookOwner.NamedCsm : action.Owner ?? _playbook.Owners.Of(row.Tier),
                    Due = asOf.AddDays(action.DueDays),
                };
                ref var tally = ref CollectionsMarshal.GetValueRefOrAddDefault(actions, action.Rule, out _);
                tally = (tally.Accounts + 1, tally.Arr + row.Arr, tally.AtRisk + (row.ValueAtRisk.TryGetValue(out var v) ? v : 0m));
            }

            lint.Add(row);
            tiers.Add(row);
            queues.Add(row);
            bands.Add(row.HealthBand, book.HasBack[j] ? _scorecard.BandName(book.HealthBack[j].IsScored ? book.HealthBack[j].Band : -1) : null);
            batch.Add(row);
            if (batch.Count == _options.BatchSize)
            {
                onBatch(batch);
                batch.Clear();
            }
        }

        if (batch.Count > 0)
        {
            onBatch(batch);
        }

        var lintReport = lint.Report();
        var warnings = new List<string>();
        if (customers.FutureRowsWarning is { } future)
        {
            warnings.Add(future);
        }

        warnings.AddRange(lintReport.Warnings);
        var capacity = CapacityPlanner.Plan(tiers.Book, _options.Capacity);
        return new PortfolioSummary(
            asOf,
            customers.AsOfInferred,
            customers.FutureRows,
            warnings,
            book.Count,
            customers.FormerAccounts,
            tiers.Summaries(),
            bands.Movement(),
            [.. actions.OrderByDescending(a => a.Value.Accounts).ThenBy(a => a.Key, StringComparer.Ordinal).Select(a => new PlaybookActionSummary(a.Key, a.Value.Accounts, a.Value.Arr, a.Value.AtRisk))],
            queues.Queues(),
            lintReport,
            capacity);
    }

    // Top reasons, signals first by the model's own roles (FeatureSchema.RoleOf); an imputed cell reads "is missing",
    // never as the value the model filled in.
    private PortfolioReason[] Reasons(ChurnModel model, FeatureSchema schema, ReadOnlySpan<bool> blanks, ReadOnlySpan<ChurnReason> candidates, ColumnRole[] roles)
    {
        // Signals before context, and within each what raises the risk before what lowers it; ties keep their strength
        // order. Ranked on the roles first so only the reasons kept are worded (the text is most of a reason's cost).
        Span<int> rank = stackalloc int[candidates.Length];
        Span<int> columnIndexes = stackalloc int[candidates.Length];
        for (var i = 0; i < candidates.Length; i++)
        {
            var reason = candidates[i];
            var columnIndex = reason.FeatureIndex >= 0 && reason.FeatureIndex < schema.FeatureCount ? schema.ColumnOfFeature(reason.FeatureIndex) : -1;
            columnIndexes[i] = columnIndex;
            roles[i] = columnIndex >= 0 ? schema.RoleOf(columnIndex) : FeatureRoles.Default.Infer(reason.Feature);
            rank[i] = (roles[i].Role == FeatureRole.Signal ? 0 : 2) + (reason.RaisesRisk ? 0 : 1);
        }

        var result = new PortfolioReason[Math.Min(_options.TopReasons, candidates.Length)];
        var written = 0;
        for (var level = 0; level < 4 && written < result.Length; level++)
        {
            for (var i = 0; i < candidates.Length && written < result.Length; i++)
            {
                if (rank[i] == level)
                {
                    result[written++] = Reason(model, schema, blanks, candidates[i], columnIndexes[i], roles[i]);
                }
            }
        }

        return result;
    }

    // One reason; an imputed cell reads "is missing", never as the value the model filled in.
    private static PortfolioReason Reason(ChurnModel model, FeatureSchema schema, ReadOnlySpan<bool> blanks, ChurnReason reason, int columnIndex, ColumnRole role)
    {
        var column = columnIndex >= 0 ? schema.Columns[columnIndex] : null;
        var name = column?.Name ?? reason.Feature;
        var valueFeature = column is not null && column.Kind != FeatureKind.Categorical && reason.FeatureIndex == schema.FeatureOffset(columnIndex);
        var imputed = valueFeature && blanks[columnIndex];
        var text = imputed
            ? $"{name} is missing ({(reason.RaisesRisk ? "raises" : "lowers")} churn risk; the model filled in a typical value)"
            : model.DescribeReason(reason);
        return new PortfolioReason(reason.Feature, name, role.Role, reason.RaisesRisk, imputed, reason.Contribution, text) { Signal = role.Signal };
    }

    /// <summary>The name of a signal kind as files and playbooks write it: <c>usage</c>, <c>support</c>, <c>sentiment</c> or <c>billing</c>.</summary>
    /// <param name="kind">The kind.</param>
    /// <returns>The name.</returns>
    public static string SignalName(SignalKind kind) => kind switch
    {
        SignalKind.Usage => "usage",
        SignalKind.Support => "support",
        SignalKind.Sentiment => "sentiment",
        _ => "billing",
    };

    /// <summary>The name of a tier as files and playbooks write it: <c>high_touch</c>, <c>low_touch</c> or <c>tech_touch</c>.</summary>
    /// <param name="tier">The tier.</param>
    /// <returns>The name.</returns>
    public static string TierName(TouchModel tier) => tier switch
    {
        TouchModel.HighTouch => "high_touch",
        TouchModel.LowTouch => "low_touch",
        _ => "tech_touch",
    };

    /// <summary>The name of an owner as files write it: <c>named_csm</c>, <c>pooled_team</c> or <c>automated</c>.</summary>
    /// <param name="owner">The owner.</param>
    /// <returns>The name.</returns>
    public static string OwnerName(PlaybookOwner owner) => owner switch
    {
        PlaybookOwner.NamedCsm => "named_csm",
        PlaybookOwner.PooledTeam => "pooled_team",
        _ => "automated",
    };

    /// <summary>A value figure as text: invariant, two decimals, empty when unbounded (<see cref="LtvStatus.Unbounded"/>).</summary>
    /// <param name="value">The figure.</param>
    /// <returns>The text.</returns>
    public static string ValueText(LtvResult value)
        => value.TryGetValue(out var v) ? v.ToString("0.00", CultureInfo.InvariantCulture) : string.Empty;

    // The per-account numbers both passes share, indexed like CustomerBase.CurrentRows.
    private sealed class Book
    {
        private readonly int[] _currentOfRow;
        private readonly int[] _backOfRow;

        public Book(CustomerBase customers, int periods)
        {
            var n = customers.CurrentRows.Count;
            Count = n;
            _currentOfRow = new int[customers.SnapshotCount];
            _backOfRow = new int[customers.SnapshotCount];
            Array.Fill(_currentOfRow, -1);
            Array.Fill(_backOfRow, -1);
            var ids = new string[n];
            for (var j = 0; j < n; j++)
            {
                _currentOfRow[customers.CurrentRows[j]] = j;
                ids[j] = customers.AccountIdOf(customers.CurrentRows[j]);
            }

            var back = customers.RowsBack(periods);
            for (var j = 0; j < n; j++)
            {
                if (back[j] >= 0)
                {
                    _backOfRow[back[j]] = j;
                }
            }

            Ids = ids;
            Probability = new float[n];
            Array.Fill(Probability, float.NaN);
            Health = new HealthScore[n];
            HealthBack = new HealthScore[n];
            HasBack = new bool[n];
            Mrr = new decimal[n];
            Tenure = new int[n];
            Values = new PortfolioValue[n];
            Tiers = new TouchModel[n];
            Escalated = new bool[n];
            Priority = new int[n];
            TierPriority = new int[n];
        }

        public int Count { get; }

        public string[] Ids { get; }

        public float[] Probability { get; }

        public HealthScore[] Health { get; }

        public HealthScore[] HealthBack { get; }

        public bool[] HasBack { get; }

        public decimal[] Mrr { get; }

        public int[] Tenure { get; }

        public PortfolioValue[] Values { get; }

        public TouchModel[] Tiers { get; }

        public bool[] Escalated { get; }

        public int[] Priority { get; }

        public int[] TierPriority { get; }

        public int CurrentIndexOf(int row) => row >= 0 && row < _currentOfRow.Length ? _currentOfRow[row] : -1;

        public int BackIndexOf(int row) => row >= 0 && row < _backOfRow.Length ? _backOfRow[row] : -1;
    }

    // The attributes a playbook tests, filled per account into one reused dictionary (only the ones it tests).
    private sealed class PlaybookAttributes(Playbook playbook)
    {
        private readonly string[] _computedNames = [.. playbook.Attributes.Where(IsComputed)];
        private readonly string[] _rawNames = [.. playbook.Attributes.Where(name => !IsComputed(name))];
        private readonly Dictionary<string, string?> _values = new(StringComparer.Ordinal);
        private int[] _ordinals = [];

        /// <summary>How many attributes come straight from the accounts' columns.</summary>
        public int RawCount => _rawNames.Length;

        public void Bind(TabularReader reader)
        {
            _ordinals = [.. _rawNames.Select(name => reader.TryGetOrdinal(name, out var o) ? o : -1)];
        }

        // The cells of the column attributes of the reader's current row.
        public void Capture(TabularReader reader, Span<string?> raw)
        {
            for (var i = 0; i < _ordinals.Length; i++)
            {
                raw[i] = _ordinals[i] >= 0 ? reader.GetString(_ordinals[i]) : null;
            }
        }

        public Dictionary<string, string?> Fill(ReadOnlySpan<string?> raw, PortfolioRow row)
        {
            for (var i = 0; i < _rawNames.Length; i++)
            {
                _values[_rawNames[i]] = raw[i];
            }

            foreach (var name in _computedNames)
            {
                Computed(name, row, out var value);
                _values[name] = value;
            }

            return _values;
        }

        private static bool Computed(string name, PortfolioRow row, out string? value)
        {
            var c = CultureInfo.InvariantCulture;
            value = name switch
            {
                "account_id" => row.AccountId,
                "arr" => row.Arr.ToString(c),
                "mrr" => (row.Arr / 12m).ToString(c),
                "health_score" => Number(row.HealthScore),
                "health_band" => row.HealthBand,
                "health_change" => Number(row.HealthChange),
                "health_coverage" => Number(row.HealthCoverage),
                "churn_probability" => Number(row.ChurnProbability),
                "churn_band" => ChurnScoringJob.BandName(row.ChurnBand),
                "tier" => TierName(row.Tier),
                "escalated" => row.Escalated ? "true" : "false",
                "potential_value" => ValueText(row.PotentialValue),
                "expected_value" => ValueText(row.ExpectedValue),
                "value_at_risk" => ValueText(row.ValueAtRisk),
                "priority" => row.Priority.ToString(c),
                _ => ReasonAttribute(name, row.TopReasons),
            };
            return value is not null || IsComputed(name);
        }

        private static bool IsComputed(string name)
            => name is "account_id" or "arr" or "mrr" or "health_score" or "health_band" or "health_change" or "health_coverage" or "churn_probability"
                or "churn_band" or "tier" or "escalated" or "potential_value" or "expected_value" or "value_at_risk" or "priority"
               || (name.StartsWith("reason_", StringComparison.Ordinal) && (name.EndsWith("_feature", StringComparison.Ordinal) || name.EndsWith("_direction", StringComparison.Ordinal) || name.EndsWith("_role", StringComparison.Ordinal) || name.EndsWith("_signal", StringComparison.Ordinal)));

        private static string? ReasonAttribute(string name, IReadOnlyList<PortfolioReason> reasons)
        {
            if (!name.StartsWith("reason_", StringComparison.Ordinal))
            {
                return null;
            }

            var rest = name.AsSpan("reason_".Length);
            var underscore = rest.IndexOf('_');
            if (underscore <= 0 || !int.TryParse(rest[..underscore], NumberStyles.None, CultureInfo.InvariantCulture, out var k) || k < 1 || k > reasons.Count)
            {
                return null;
            }

            var reason = reasons[k - 1];
            return rest[(underscore + 1)..] switch
            {
                "feature" => reason.Column,
                "direction" => reason.RaisesRisk ? "raises" : "lowers",
                "role" => reason.Role == FeatureRole.Signal ? "signal" : "context",
                "signal" => reason.Signal is { } kind ? SignalName(kind) : null,
                _ => null,
            };
        }

        private static string? Number(double value) => double.IsFinite(value) ? value.ToString("R", CultureInfo.InvariantCulture) : null;
    }

    private sealed class TierAccumulator
    {
        private readonly int[] _accounts = new int[3];
        private readonly decimal[] _arr = new decimal[3];
        private readonly decimal[] _potential = new decimal[3];
        private readonly bool[] _potentialUnbounded = new bool[3];
        private readonly decimal[] _atRisk = new decimal[3];
        private readonly bool[] _atRiskUnbounded = new bool[3];
        private readonly int[] _escalated = new int[3];
        private readonly double[] _highest = [double.NaN, double.NaN, double.NaN];
        private readonly int[] _planned = new int[3];
        private readonly decimal[] _plannedArr = new decimal[3];

        public IEnumerable<(TouchModel Model, decimal Arr)> Book
            => Enumerable.Range(0, 3).SelectMany(t => Enumerable.Range(0, _planned[t]).Select(k => ((TouchModel)t, k == 0 ? _plannedArr[t] : 0m))); // counts and total ARR per tier

        public void Add(PortfolioRow row)
        {
            var t = (int)row.Tier;
            _accounts[t]++;
            _arr[t] += row.Arr;
            Sum(row.PotentialValue, ref _potential[t], ref _potentialUnbounded[t]);
            Sum(row.ValueAtRisk, ref _atRisk[t], ref _atRiskUnbounded[t]);
            _escalated[t] += row.Escalated ? 1 : 0;
            if (!float.IsNaN(row.ChurnProbability) && !(row.ChurnProbability <= _highest[t]))
            {
                _highest[t] = row.ChurnProbability;
            }

            // The headcount plan counts an escalated account where its CSM works: high-touch.
            var planned = row.Escalated ? (int)TouchModel.HighTouch : t;
            _planned[planned]++;
            _plannedArr[planned] += row.Arr;
        }

        public IReadOnlyList<TierSummary> Summaries()
            => [.. new[] { TouchModel.HighTouch, TouchModel.LowTouch, TouchModel.TechTouch }.Select(tier =>
            {
                var t = (int)tier;
                return new TierSummary(
                    tier, _accounts[t], _arr[t],
                    _potentialUnbounded[t] ? LtvResult.Unbounded : LtvResult.Bounded(_potential[t]),
                    _atRiskUnbounded[t] ? LtvResult.Unbounded : LtvResult.Bounded(_atRisk[t]),
                    _escalated[t], _highest[t]);
            })];

        private static void Sum(LtvResult value, ref decimal total, ref bool unbounded)
        {
            if (value.TryGetValue(out var v))
            {
                total += v;
            }
            else
            {
                unbounded = true;
            }
        }
    }

    private sealed class QueueAccumulator(int length)
    {
        // Per owner, the `length` best priorities so far (max-heap on priority to drop the least urgent).
        private readonly PriorityQueue<QueuedAction, int>[] _queues = [new(), new(), new()];
        private readonly int[] _accounts = new int[3];

        public void Add(PortfolioRow row)
        {
            if (row.Action is not { } action || row.Owner is not { } owner)
            {
                return;
            }

            var o = (int)owner;
            _accounts[o]++;
            if (length == 0)
            {
                return;
            }

            var queue = _queues[o];
            if (queue.Count == length && queue.TryPeek(out _, out var worst) && -worst < row.Priority)
            {
                return;
            }

            var item = new QueuedAction(row.AccountId, row.Priority, row.Tier, row.Escalated, action.Rule, action.Action, action.Explanation, row.Due!.Value, row.ValueAtRisk);
            if (queue.Count == length)
            {
                queue.DequeueEnqueue(item, -row.Priority);
            }
            else
            {
                queue.Enqueue(item, -row.Priority);
            }
        }

        public IReadOnlyList<OwnerActions> Queues()
            => [.. new[] { PlaybookOwner.NamedCsm, PlaybookOwner.PooledTeam, PlaybookOwner.Automated }.Select(owner =>
            {
                var items = _queues[(int)owner].UnorderedItems.Select(i => i.Element).OrderBy(a => a.Priority).ToList();
                return new OwnerActions(owner, _accounts[(int)owner], items);
            })];
    }

    private sealed class BandAccumulator
    {
        private readonly List<string> _bands;
        private readonly int[] _now;
        private readonly int[] _before;
        private readonly int[,] _movement;
        private readonly int _periods;
        private int _withoutHistory;

        public BandAccumulator(CompiledScorecard scorecard, int periods)
        {
            _periods = periods;
            _bands = [.. scorecard.Bands.Select(b => b.Name), scorecard.BandName(-1)];
            _now = new int[_bands.Count];
            _before = new int[_bands.Count];
            _movement = new int[_bands.Count, _bands.Count];
        }

        public void Add(string now, string? before)
        {
            var to = IndexOf(now);
            _now[to]++;
            if (before is null)
            {
                _withoutHistory++;
                return;
            }

            var from = IndexOf(before);
            _before[from]++;
            _movement[from, to]++;
        }

        public HealthBandMovement Movement()
            => new(_periods, _bands, _now, _before, [.. Enumerable.Range(0, _bands.Count).Select(f => (IReadOnlyList<int>)[.. Enumerable.Range(0, _bands.Count).Select(t => _movement[f, t])])], _withoutHistory);

        private int IndexOf(string band)
        {
            var i = _bands.IndexOf(band);
            return i < 0 ? _bands.Count - 1 : i;
        }
    }
}
