using BayitPlus.Api.Infrastructure.Security;
using BayitPlus.Api.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using MongoDB.Bson;
using MongoDB.Driver;

namespace BayitPlus.Api.Tests.Features.Audit;

/// <summary>A host of its own: the test stops it.</summary>
public sealed class ShutdownApiFactory : ApiFactory;

public sealed class SecurityEventShutdownTests(ShutdownApiFactory api) : IClassFixture<ShutdownApiFactory>
{
    [Fact]
    public async Task Stopping_the_host_writes_every_event_still_queued()
    {
        const int Recorded = 3000;
        var type = "test_shutdown_" + Guid.NewGuid().ToString("N")[..8];
        var events = api.Services.GetRequiredService<ISecurityEvents>();
        for (var i = 0; i < Recorded; i++)
        {
            events.Record(new SecurityEvent(type, Severity.Low, null, null, new BsonDocument("n", i)));
        }

        await api.Services.GetRequiredService<IHost>().StopAsync(Http.Ct);

        var stored = await api.SecurityEvents().Find(new BsonDocument("event_type", type)).ToListAsync(Http.Ct);
        Assert.Equal(Enumerable.Range(0, Recorded), stored.Select(e => e["details"]["n"].AsInt32).Order());
    }
}
