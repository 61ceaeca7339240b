using BayitPlus.Api.Infrastructure;
using BayitPlus.Api.Infrastructure.Http;

namespace BayitPlus.Api.Features.ChannelChat;

/// <summary>The live chat: its settings (a bad value stops the start-up naming it), this instance's
/// sockets, the change stream that feeds them and the presence job.</summary>
public sealed class ChannelChatServices : ISliceServices
{
    public void AddServices(IServiceCollection services, IConfiguration configuration)
    {
        var settings = configuration.GetSection(ChatSettings.Section).Get<ChatSettings>() ?? new ChatSettings();
        Check(settings);
        services.AddSingleton(settings);
        services.AddOpenApiTag("Live chat", "A live channel's chat history and pins. The chat itself is a WebSocket (README, \"Live chat\").");
        services.AddOpenApiTag("Admin: Live chat", "Admins pin and delete chat messages and mute users, on every instance at once.");
        services.AddSingleton<ChatHub>();
        services.AddSingleton<ChatMessages>();
        services.AddSingleton<ChatConnections>();
        services.AddSingleton<ChatSession>();
        services.AddSingleton<ChatFanout>();
        services.AddHostedService(provider => provider.GetRequiredService<ChatFanout>());
        services.AddSingleton<ChatPresence>();
        services.AddHostedService(provider => provider.GetRequiredService<ChatPresence>());
    }

    private static void Check(ChatSettings settings)
    {
        Require(settings.RetentionDays >= 1, "Chat:RetentionDays must be at least 1.");
        Require(settings.RateLimitMessages >= 1, "Chat:RateLimitMessages must be at least 1.");
        Require(settings.RateLimitWindow >= TimeSpan.FromSeconds(1), "Chat:RateLimitWindow must be at least 00:00:01.");
        Require(settings.MaxSocketsPerUser >= 1 && settings.MaxSocketsPerIp >= 1, "Chat:MaxSocketsPerUser and Chat:MaxSocketsPerIp must be at least 1.");
        Require(settings.AuthenticateTimeout >= TimeSpan.FromSeconds(1), "Chat:AuthenticateTimeout must be at least 00:00:01.");
        Require(settings.PingInterval >= TimeSpan.FromMilliseconds(100) && settings.PongTimeout > settings.PingInterval,
            "Chat:PingInterval must be at least 00:00:00.1 and Chat:PongTimeout longer than it.");
        Require(settings.SendQueueFrames >= 8, "Chat:SendQueueFrames must be at least 8.");
        Require(settings.SendTimeout >= TimeSpan.FromMilliseconds(100), "Chat:SendTimeout must be at least 00:00:00.1.");
        Require(settings.MaxClientFrameBytes >= 1024, "Chat:MaxClientFrameBytes must be at least 1024.");
        Require(settings.ConnectionHeartbeat >= TimeSpan.FromSeconds(1) && settings.ConnectionLifetime >= 2 * settings.ConnectionHeartbeat,
            "Chat:ConnectionHeartbeat must be at least 00:00:01 and Chat:ConnectionLifetime at least twice it.");
        Require(settings.PresenceInterval >= TimeSpan.FromMilliseconds(100), "Chat:PresenceInterval must be at least 00:00:00.1.");
        Require(settings.MaxMuteMinutes >= 1, "Chat:MaxMuteMinutes must be at least 1.");
    }

    private static void Require(bool condition, string message)
    {
        if (!condition)
        {
            throw new StartupException(message);
        }
    }
}
