using System.Globalization;
using System.Net;
using BayitPlus.Api.Features.Audit;
using BayitPlus.Api.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using MongoDB.Bson;
using MongoDB.Driver;

namespace BayitPlus.Api.Tests.Features.Audit;

/// <summary>The test server has no client address; a request may claim one with this header, so each
/// test has its own address (its own rate-limit partition) and can find the events recorded for it.</summary>
public sealed class ClientIpStartupFilter : IStartupFilter
{
    public const string Header = "X-Test-Client-Ip";

    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use((context, nextMiddleware) =>
        {
            if (context.Request.Headers.TryGetValue(Header, out var ip))
            {
                context.Connection.RemoteIpAddress = IPAddress.Parse(ip.ToString());
            }

            return nextMiddleware(context);
        });
        next(app);
    };
}

public static class SecurityEventsSupport
{
    private static int _lastAddress;

    /// <summary>A client address no other test of the process uses.</summary>
    public static string NewIp()
    {
        var n = Interlocked.Increment(ref _lastAddress);
        return string.Create(CultureInfo.InvariantCulture, $"10.{(n >> 16) & 255}.{(n >> 8) & 255}.{n & 255}");
    }

    public static HttpClient FromIp(this HttpClient client, string ip)
    {
        client.DefaultRequestHeaders.Add(ClientIpStartupFilter.Header, ip);
        return client;
    }

    public static void AddClientIps(IServiceCollection services) => services.AddSingleton<IStartupFilter, ClientIpStartupFilter>();

    public static IMongoCollection<BsonDocument> SecurityEvents(this ApiFactory api) =>
        api.Database.GetCollection<BsonDocument>(SecurityEventDocument.CollectionName);

    /// <summary>Waits until everything recorded so far is stored, then reads the stored events matching the filter.</summary>
    public static async Task<List<BsonDocument>> StoredEventsAsync(this ApiFactory api, BsonDocument filter)
    {
        await api.Services.GetRequiredService<SecurityEventWriter>().FlushAsync(Http.Ct);
        return await api.SecurityEvents().Find(filter).ToListAsync(Http.Ct);
    }

    public static Task<HttpResponseMessage> FailedLoginAsync(this HttpClient client, string email) =>
        client.PostJsonAsync("/api/auth/login", new { email, password = "wrong-password-123", device = TestUsers.Device() });
}
