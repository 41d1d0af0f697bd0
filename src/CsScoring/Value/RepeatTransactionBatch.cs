namespace CsScoring.Value;

/// <summary>The batch forms shared by the repeat-transaction models: one loop, specialised per model struct (no boxing).</summary>
internal static class RepeatTransactionBatch
{
    public static void ProbabilityAlive<TModel>(in TModel model, ReadOnlySpan<CustomerSummary> customers, Span<double> destination)
        where TModel : struct, IRepeatTransactionModel
    {
        if (destination.Length < customers.Length)
        {
            ThrowHelper.DestinationTooShort(nameof(destination), customers.Length, destination.Length);
        }

        for (var i = 0; i < customers.Length; i++)
        {
            destination[i] = model.ProbabilityAlive(customers[i]);
        }
    }

    public static void ExpectedTransactions<TModel>(in TModel model, ReadOnlySpan<CustomerSummary> customers, double t, Span<double> destination)
        where TModel : struct, IRepeatTransactionModel
    {
        if (destination.Length < customers.Length)
        {
            ThrowHelper.DestinationTooShort(nameof(destination), customers.Length, destination.Length);
        }

        for (var i = 0; i < customers.Length; i++)
        {
            destination[i] = model.ExpectedTransactions(customers[i], t);
        }
    }
}
