using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;

namespace BayitPlus.Api.Tests.Support;

/// <summary>The test server has no client address; in every test host a request may claim one with
/// this header, so a test has its own address (its own rate-limit partition) and can find what was
/// recorded for it among the other tests' records.</summary>
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

public static class ClientAddresses
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
}
