using BayitPlus.Api.Infrastructure.Auth;
using BayitPlus.Api.Infrastructure.Mongo;
using MongoDB.Driver;

namespace BayitPlus.Api.Features.Activity;

/// <summary>Deletes a user's watch history when their deleted account is anonymized.</summary>
public sealed class WatchHistoryEraser(MongoContext db) : IUserDataEraser
{
    public Task EraseAsync(string userId, CancellationToken cancellationToken) =>
        db.WatchHistory().DeleteManyAsync(h => h.UserId == userId, cancellationToken);
}
