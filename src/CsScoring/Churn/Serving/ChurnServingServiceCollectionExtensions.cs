using CsScoring.Churn;
using CsScoring.Churn.Serving;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers a served churn model in a <see cref="IServiceCollection"/>.</summary>
public static class ChurnServingServiceCollectionExtensions
{
    /// <summary>
    /// Registers the churn model of a directory: the provider (a singleton that loads, verifies, watches and
    /// hot-swaps the model) as <see cref="IChurnModelProvider"/> and <see cref="ChurnModelProvider"/>, and
    /// <see cref="ChurnModel"/> itself as a transient service resolving to the model current at resolution time.
    /// The model is loaded when the provider is first resolved.
    /// </summary>
    /// <remarks>
    /// For applications with a host (ASP.NET Core, worker services), prefer <c>services.AddCsScoring(...)</c> from the
    /// <c>CsScoring.Hosting</c> package: options bound from configuration and validated at start-up, the model loaded
    /// when the host starts (a bad model fails the start instead of the first request), and a health check.
    /// </remarks>
    /// <param name="services">The service collection.</param>
    /// <param name="options">The directory and serving settings (validated when they were built).</param>
    /// <returns>The service collection, for chaining.</returns>
    /// <example>
    /// <code>
    /// builder.Services.AddChurnModel(new ChurnServingOptions { ModelDirectory = "models/churn" });
    /// app.MapGet("/churn/{id}", (string id, IChurnModelProvider models) => models.Current.Predict(...));
    /// </code>
    /// </example>
    public static IServiceCollection AddChurnModel(this IServiceCollection services, ChurnServingOptions options)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(options);
        services.TryAddSingleton(provider => new ChurnModelProvider(options, provider.GetService<ILogger<ChurnModelProvider>>()));
        services.TryAddSingleton<IChurnModelProvider>(provider => provider.GetRequiredService<ChurnModelProvider>());
        services.TryAddTransient(provider => provider.GetRequiredService<IChurnModelProvider>().Current);
        return services;
    }

    /// <summary>Registers the churn model of a directory with the default serving settings.</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="modelDirectory">The model directory.</param>
    /// <returns>The service collection, for chaining.</returns>
    /// <exception cref="CsScoring.InvalidOptionException">The directory is blank.</exception>
    public static IServiceCollection AddChurnModel(this IServiceCollection services, string modelDirectory)
        => services.AddChurnModel(new ChurnServingOptions { ModelDirectory = modelDirectory });
}
