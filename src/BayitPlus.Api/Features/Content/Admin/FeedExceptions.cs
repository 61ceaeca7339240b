using BayitPlus.Api.Infrastructure.Errors;

namespace BayitPlus.Api.Features.Content.Admin;

/// <summary>502: the feed's server could not be reached, timed out or answered an error.</summary>
public sealed class FeedUnavailableException(string detail) : ApiException(StatusCodes.Status502BadGateway, "Feed unavailable", detail);

/// <summary>422: the feed was refused: a forbidden address, too large, not XML or not RSS 2.0.
/// (An oversized feed is a 422 rather than a 413: the request was fine, the fetched document was not.)</summary>
public sealed class FeedRejectedException(string detail) : ApiException(StatusCodes.Status422UnprocessableEntity, "Feed rejected", detail);
