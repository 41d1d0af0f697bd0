using CsScoring.Churn;
using CsScoring.Churn.Serving;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers CsScoring's services in a <see cref="IServiceCollection"/>.</summary>
public static class CsScoringServiceCollectionExtensions
{
    /// <summary>
    /// Registers the churn model provider (a singleton that loads, verifies, watches and hot-swaps the model) as
    /// <see cref="IChurnModelProvider"/> and <see cref="ChurnModelProvider"/>, and <see cref="ChurnModel"/> itself as a
    /// transient service resolving to the model current at resolution time.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Sets the options; <see cref="CsScoringOptions.ModelDirectory"/> is required.</param>
    /// <returns>The service collection, for chaining.</returns>
    /// <example>
    /// <code>
    /// builder.Services.AddCsScoring(options => options.ModelDirectory = "models/churn");
    /// app.MapGet("/churn/{id}", (string id, IChurnModelProvider models) => models.Current.Predict(...));
    /// </code>
    /// </example>
    public static IServiceCollection AddCsScoring(this IServiceCollection services, Action<CsScoringOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.AddOptions<CsScoringOptions>().Configure(configure).Validate(Valid, "CsScoringOptions are invalid (ModelDirectory is required; time spans must be >= 0).");
        services.TryAddSingleton(provider => new ChurnModelProvider(
            provider.GetRequiredService<IOptions<CsScoringOptions>>().Value,
            provider.GetService<ILogger<ChurnModelProvider>>()));
        services.TryAddSingleton<IChurnModelProvider>(provider => provider.GetRequiredService<ChurnModelProvider>());
        services.TryAddTransient(provider => provider.GetRequiredService<IChurnModelProvider>().Current);
        return services;
    }

    private static bool Valid(CsScoringOptions options)
    {
        try
        {
            options.Validate();
            return true;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
