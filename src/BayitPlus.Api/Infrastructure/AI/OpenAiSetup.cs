using System.ClientModel;
using Microsoft.Extensions.DependencyInjection.Extensions;
using OpenAI;

namespace BayitPlus.Api.Infrastructure.AI;

/// <summary>The OpenAI settings and client the AI slices share: bound and checked once, the client
/// registered only when a key is set (each slice then takes its embedding or chat client from it).</summary>
public static class OpenAiSetup
{
    public static OpenAiSettings AddOpenAi(this IServiceCollection services, IConfiguration configuration)
    {
        var settings = configuration.GetSection(OpenAiSettings.Section).Get<OpenAiSettings>() ?? new OpenAiSettings();
        if (settings.EmbeddingDimensions < 1)
        {
            throw new StartupException("AI:OpenAI:EmbeddingDimensions must be at least 1.");
        }

        if (string.IsNullOrWhiteSpace(settings.ChatModel))
        {
            throw new StartupException("AI:OpenAI:ChatModel must not be empty.");
        }

        services.TryAddSingleton(settings);
        if (settings.IsConfigured)
        {
            services.TryAddSingleton(_ => new OpenAIClient(new ApiKeyCredential(settings.ApiKey!), new OpenAIClientOptions { Endpoint = settings.Endpoint }));
        }

        return settings;
    }
}
