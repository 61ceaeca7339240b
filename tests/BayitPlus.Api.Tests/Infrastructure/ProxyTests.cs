using System.Net;
using System.Net.Http.Json;
using BayitPlus.Api.Tests.Support;
using MongoDB.Bson;
using MongoDB.Driver;

namespace BayitPlus.Api.Tests.Infrastructure;

/// <summary>A host deployed behind a TLS-terminating proxy at 203.0.113.50.</summary>
public sealed class ProxiedApiFactory : ApiFactory
{
    public const string Proxy = "203.0.113.50";

    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>(base.Settings)
    {
        ["ForwardedHeaders:KnownProxies:0"] = Proxy,
    };
}

public sealed class ProxyTests(ProxiedApiFactory api) : IClassFixture<ProxiedApiFactory>
{
    private const string Client = "198.51.100.7";

    [Fact]
    public async Task Through_a_configured_proxy_the_client_address_and_https_are_the_forwarded_ones()
    {
        var user = await api.SignUpAsync();
        var client = api.ClientFor(user).FromIp(ProxiedApiFactory.Proxy);

        var response = await client.SendAsync(Forwarded(HttpMethod.Patch, "/api/users/me", JsonContent.Create(new { name = "Behind the proxy" })), Http.Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(Client, (await AuditedAddressAsync(user.Id))["ip_address"].AsString);
        Assert.True(response.Headers.Contains("Strict-Transport-Security"), "no HSTS on a request the proxy received over https");
    }

    [Fact]
    public async Task From_any_other_address_forwarded_headers_are_ignored()
    {
        var user = await api.SignUpAsync();
        var elsewhere = ClientAddresses.NewIp();
        var client = api.ClientFor(user).FromIp(elsewhere);

        var response = await client.SendAsync(Forwarded(HttpMethod.Patch, "/api/users/me", JsonContent.Create(new { name = "Spoofing" })), Http.Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(elsewhere, (await AuditedAddressAsync(user.Id))["ip_address"].AsString);
        Assert.False(response.Headers.Contains("Strict-Transport-Security"), "a forged X-Forwarded-Proto was believed");
    }

    private static HttpRequestMessage Forwarded(HttpMethod method, string path, HttpContent body)
    {
        var request = new HttpRequestMessage(method, path) { Content = body };
        request.Headers.Host = "api.bayitplus.example";
        request.Headers.Add("X-Forwarded-For", Client);
        request.Headers.Add("X-Forwarded-Proto", "https");
        return request;
    }

    private Task<BsonDocument> AuditedAddressAsync(string userId) => api.Database.GetCollection<BsonDocument>("auditlog")
        .Find(new BsonDocument { ["resource_id"] = userId, ["action_type"] = "user.updated" })
        .SingleAsync(Http.Ct);
}
