using BayitPlus.Api.Infrastructure.Auth;
using BayitPlus.Api.Infrastructure.Mongo;
using MongoDB.Driver;

namespace BayitPlus.Api.Features.Users;

/// <summary>The Users slice's answer to <see cref="IViewingLimits"/>: the profile's <c>preferences.max_audience</c>.</summary>
public sealed class ViewingLimitsService(MongoContext db) : IViewingLimits
{
    public async Task<string?> MaxAudienceAsync(string userId, CancellationToken cancellationToken) =>
        (await db.Profiles().Find(p => p.UserId == userId).Project(p => p.Preferences).FirstOrDefaultAsync(cancellationToken))?.MaxAudience;
}
