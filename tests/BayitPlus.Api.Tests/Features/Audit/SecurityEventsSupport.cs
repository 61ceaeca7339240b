using BayitPlus.Api.Features.Audit;
using BayitPlus.Api.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using MongoDB.Bson;
using MongoDB.Driver;

namespace BayitPlus.Api.Tests.Features.Audit;

public static class SecurityEventsSupport
{
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
