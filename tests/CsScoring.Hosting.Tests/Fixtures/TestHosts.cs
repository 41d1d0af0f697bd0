using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace CsScoring.Hosting.Tests.Fixtures;

/// <summary>Generic hosts configured from in-memory settings, as an application's appsettings.json would.</summary>
internal static class TestHosts
{
    public static IHost Build(IDictionary<string, string?> settings, Action<IServiceCollection>? configure = null)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddCsScoring(builder.Configuration.GetSection(CsScoringOptions.SectionName));
        builder.Services.AddHealthChecks().AddCsScoringModel();
        configure?.Invoke(builder.Services);
        return builder.Build();
    }

    public static IHost Build(string modelDirectory, Action<IServiceCollection>? configure = null, params (string Key, string Value)[] more)
    {
        var settings = new Dictionary<string, string?> { ["CsScoring:ModelDirectory"] = modelDirectory };
        foreach (var (key, value) in more)
        {
            settings[key] = value;
        }

        return Build(settings, configure);
    }
}
