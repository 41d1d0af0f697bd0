using CsScoring.Churn;
using CsScoring.Churn.Serving;
using CsScoring.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers CsScoring's served churn model in an application's services.</summary>
public static class CsScoringServiceCollectionExtensions
{
    /// <summary>
    /// Registers the churn model, with options bound from a configuration section (for example
    /// <c>builder.Configuration.GetSection("CsScoring")</c>; see <see cref="CsScoringOptions"/> for the keys).
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configuration">The section holding <c>ModelDirectory</c>, <c>ReloadDelay</c>, <c>PollInterval</c>, <c>RowValidation</c> and <c>Load:VerifySelfTest</c>.</param>
    /// <returns>The services, for chaining.</returns>
    /// <remarks>
    /// Registers, once: <see cref="CsScoringOptions"/> validated at start-up by <see cref="CsScoringOptionsValidator"/>
    /// (<c>ValidateOnStart</c>); <see cref="ChurnModelService"/> as a hosted lifecycle service that loads the model when
    /// the host starts and as <see cref="IChurnModelProvider"/>; and <see cref="ChurnModel"/> as a transient resolving
    /// to the model current at resolution. Add the health check with <c>services.AddHealthChecks().AddCsScoringModel()</c>.
    /// </remarks>
    /// <example>
    /// <code>
    /// builder.Services.AddCsScoring(builder.Configuration.GetSection(CsScoringOptions.SectionName));
    /// builder.Services.AddHealthChecks().AddCsScoringModel();
    /// </code>
    /// </example>
    public static IServiceCollection AddCsScoring(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        var path = configuration is IConfigurationSection section ? section.Path : string.Empty;
        services.AddOptions<CsScoringOptions>().Bind(configuration);
        return services.AddCoreServices(path);
    }

    /// <summary>Registers the churn model with options set in code.</summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Sets the options (at least <see cref="CsScoringOptions.ModelDirectory"/>).</param>
    /// <returns>The services, for chaining.</returns>
    /// <remarks>As <see cref="AddCsScoring(IServiceCollection, IConfiguration)"/>; both may be combined, the delegate running after binding when registered later.</remarks>
    /// <example>
    /// <code>
    /// builder.Services.AddCsScoring(options =>
    /// {
    ///     options.ModelDirectory = "models/churn";
    ///     options.RowValidation = ChurnRowValidation.Strict;
    /// });
    /// </code>
    /// </example>
    public static IServiceCollection AddCsScoring(this IServiceCollection services, Action<CsScoringOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.AddOptions<CsScoringOptions>().Configure(configure);
        return services.AddCoreServices(CsScoringOptions.SectionName);
    }

    /// <summary>
    /// Adds <see cref="ChurnModelHealthCheck"/>: Healthy when the model serves, Degraded when the last reload was
    /// rejected and an older model serves, Unhealthy when no model is loaded.
    /// </summary>
    /// <param name="builder">The health checks builder (<c>services.AddHealthChecks()</c>).</param>
    /// <param name="name">The check's name in reports.</param>
    /// <param name="tags">Tags to select the check by (for example <c>ready</c>), or <see langword="null"/>.</param>
    /// <returns>The builder, for chaining.</returns>
    public static IHealthChecksBuilder AddCsScoringModel(this IHealthChecksBuilder builder, string name = "csscoring_model", IEnumerable<string>? tags = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return builder.Add(new HealthCheckRegistration(
            name,
            provider => new ChurnModelHealthCheck(provider.GetRequiredService<ChurnModelService>(), provider.GetService<TimeProvider>()),
            failureStatus: HealthStatus.Unhealthy,
            tags));
    }

    private static IServiceCollection AddCoreServices(this IServiceCollection services, string sectionPath)
    {
        services.AddOptions<CsScoringOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<CsScoringOptions>>(new CsScoringOptionsValidator(sectionPath)));
        services.TryAddSingleton(provider => new ChurnModelService(
            provider.GetRequiredService<IOptions<CsScoringOptions>>(),
            provider.GetService<ILoggerFactory>(),
            provider.GetService<TimeProvider>()));
        services.TryAddSingleton<IChurnModelProvider>(provider => provider.GetRequiredService<ChurnModelService>());
        services.TryAddTransient(provider => provider.GetRequiredService<IChurnModelProvider>().Current);
        services.AddHostedService(provider => provider.GetRequiredService<ChurnModelService>());
        return services;
    }
}
