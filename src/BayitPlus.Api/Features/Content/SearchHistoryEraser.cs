using BayitPlus.Api.Infrastructure.Auth;
using BayitPlus.Api.Infrastructure.Mongo;
using MongoDB.Driver;

namespace BayitPlus.Api.Features.Content;

/// <summary>Unlinks a user's searches (<c>searchquery</c>, catalog and AI searches alike) from them
/// when their deleted account is anonymized: the records stay for the search analytics, as
/// anonymous searches do, with nothing left that names the user.</summary>
public sealed class SearchHistoryEraser(MongoContext db) : IUserDataEraser
{
    public Task EraseAsync(string userId, CancellationToken cancellationToken) =>
        db.Collection<SearchQueryDocument>(SearchQueryDocument.CollectionName).UpdateManyAsync(
            q => q.UserId == userId,
            Builders<SearchQueryDocument>.Update.Unset(q => q.UserId),
            cancellationToken: cancellationToken);
}
