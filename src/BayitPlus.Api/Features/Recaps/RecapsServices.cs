using BayitPlus.Api.Infrastructure;
using BayitPlus.Api.Infrastructure.AI;
using BayitPlus.Api.Infrastructure.Auth;
using BayitPlus.Api.Infrastructure.Http;
using BayitPlus.Api.Infrastructure.Telemetry;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection.Extensions;
using OpenAI;

namespace BayitPlus.Api.Features.Recaps;

/// <summary>Catch-up recaps of live channels: their settings (a bad value stops the start-up naming
/// it), transcript ingestion, the shared summaries and their summarizers, the demo transcript.</summary>
public sealed class RecapsServices : ISliceServices
{
    public void AddServices(IServiceCollection services, IConfiguration configuration)
    {
        var settings = configuration.GetSection(RecapsSettings.Section).Get<RecapsSettings>() ?? new RecapsSettings();
        Check(settings);
        services.AddSingleton(settings);
        services.AddSingleton<IAuthorizationHandler, IngestKeyHandler>();
        services.AddAuthorizationBuilder().AddPolicy(IngestKeyRequirement.Policy, policy => policy
            .AddAuthenticationSchemes(JwtBearerDefaults.AuthenticationScheme).AddRequirements(new IngestKeyRequirement()));
        services.AddOpenApiTag(TranscriptModule.Tag, "Live transcript segments pushed by captioning services, read by the recaps.");
        services.AddOpenApiTag(RecapsModule.Tag, "What did I miss? Summaries of the last minutes of a live channel, for Beta 500 members.");
        services.AddSingleton<SharedRecaps>();
        services.AddRateLimitPolicy(CreateRecap.RateLimitPolicy, permitLimit: 10, window: TimeSpan.FromMinutes(1), perUser: true);
        services.AddSingleton<IUserDataEraser, RecapHistoryEraser>();
        services.AddHostedService<DemoTranscriptFeeder>();
        var openAi = services.AddOpenAi(configuration);
        if (openAi.IsConfigured)
        {
            services.TryAddSingleton(provider => provider.GetRequiredService<OpenAIClient>()
                .GetChatClient(openAi.ChatModel)
                .AsIChatClient()
                .AsBuilder()
                .UseOpenTelemetry(sourceName: BayitPlusTelemetry.Name)
                .Build());
            services.AddSingleton<IRecapSummarizer, ChatClientSummarizer>();
        }
        else
        {
            services.AddSingleton<IRecapSummarizer, ExtractiveSummarizer>();
        }
    }

    private static void Check(RecapsSettings settings)
    {
        Require(settings.IngestKeys.All(key => key.Length >= 32), "Recaps:IngestKeys must each be at least 32 characters long.");
        Require(settings.TranscriptRetention >= TimeSpan.FromMinutes(30), "Recaps:TranscriptRetention must be at least 00:30:00 (a recap reads up to 30 minutes back).");
        Require(settings.MaxPromptCharacters >= 1_000, "Recaps:MaxPromptCharacters must be at least 1000.");
        Require(settings.MaxSegmentsPerRequest is >= 1 and <= 1_000, "Recaps:MaxSegmentsPerRequest must be between 1 and 1000.");
        Require(settings.MaxSegmentCharacters is >= 100 and <= 10_000, "Recaps:MaxSegmentCharacters must be between 100 and 10000.");
        Require(settings.MinTranscriptSeconds is >= 1 and <= 60 * CreateRecap.MaxWindowMinutes,
            $"Recaps:MinTranscriptSeconds must be between 1 and {60 * CreateRecap.MaxWindowMinutes} (a window is at most {CreateRecap.MaxWindowMinutes} minutes).");
        Require(settings.RecapLifetime >= TimeSpan.FromSeconds(10) && settings.RecapLifetime <= TimeSpan.FromHours(1), "Recaps:RecapLifetime must be between 00:00:10 and 01:00:00.");
        Require(settings.Timeout >= TimeSpan.FromSeconds(1) && settings.Timeout <= TimeSpan.FromMinutes(5), "Recaps:Timeout must be between 00:00:01 and 00:05:00.");
        Require(settings.RetryAfterFailure >= TimeSpan.FromSeconds(1) && settings.RetryAfterFailure <= TimeSpan.FromMinutes(5), "Recaps:RetryAfterFailure must be between 00:00:01 and 00:05:00.");
    }

    private static void Require(bool condition, string message)
    {
        if (!condition)
        {
            throw new StartupException(message);
        }
    }
}
