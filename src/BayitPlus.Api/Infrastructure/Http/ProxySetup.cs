using System.Net;
using Microsoft.AspNetCore.HttpOverrides;

namespace BayitPlus.Api.Infrastructure.Http;

/// <summary>
/// Behind a TLS-terminating proxy (the normal deployment) the connection comes from the proxy: the
/// client's address and scheme arrive in <c>X-Forwarded-For</c>/<c>X-Forwarded-Proto</c>. They are
/// believed only from the proxies configured in <c>ForwardedHeaders:KnownProxies</c> (addresses)
/// and <c>ForwardedHeaders:KnownNetworks</c> (CIDR ranges); with none configured they are ignored,
/// since any client could send them. Honoured, they give rate limits, audit and security records
/// the client's own address, and HSTS its https scheme.
/// </summary>
public static class ProxySetup
{
    public const string Section = "ForwardedHeaders";

    public static bool HasTrustedProxies(IConfiguration configuration) =>
        configuration.GetSection($"{Section}:KnownProxies").GetChildren().Any()
        || configuration.GetSection($"{Section}:KnownNetworks").GetChildren().Any();

    public static WebApplicationBuilder AddTrustedProxies(this WebApplicationBuilder builder)
    {
        var section = builder.Configuration.GetSection(Section);
        var proxies = (section.GetSection("KnownProxies").Get<string[]>() ?? []).Select(ParseAddress).ToList();
        var networks = (section.GetSection("KnownNetworks").Get<string[]>() ?? []).Select(ParseNetwork).ToList();
        var limit = section.GetValue("ForwardLimit", 1);
        if (limit < 1)
        {
            throw new StartupException($"{Section}:ForwardLimit must be at least 1.");
        }

        builder.Services.Configure<ForwardedHeadersOptions>(options =>
        {
            options.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            options.ForwardLimit = limit;
            options.KnownProxies.Clear();
            options.KnownIPNetworks.Clear();
            proxies.ForEach(options.KnownProxies.Add);
            networks.ForEach(options.KnownIPNetworks.Add);
        });
        return builder;
    }

    private static IPAddress ParseAddress(string text) => IPAddress.TryParse(text, out var address)
        ? address
        : throw new StartupException($"{Section}:KnownProxies holds \"{text}\", which is not an IP address.");

    private static System.Net.IPNetwork ParseNetwork(string text) => System.Net.IPNetwork.TryParse(text, out var network)
        ? network
        : throw new StartupException($"{Section}:KnownNetworks holds \"{text}\", which is not a CIDR range such as 10.0.0.0/8.");
}
