using System.Security.Cryptography;
using System.Text;
using BayitPlus.Api.Infrastructure.Auth;
using Microsoft.AspNetCore.Authorization;

namespace BayitPlus.Api.Features.Recaps;

/// <summary>The transcript ingestion's policy: a captioning service's key in <c>X-Api-Key</c> (one of
/// <c>Recaps:IngestKeys</c>), or the bearer token of an active admin. Without either the bearer
/// scheme challenges (401); a signed-in non-admin without a key is refused (403).</summary>
public sealed class IngestKeyRequirement : IAuthorizationRequirement
{
    public const string Policy = "recaps-ingest";

    public const string Header = "X-Api-Key";
}

/// <summary>Keys are compared as SHA-256 digests in constant time, so neither a key's length nor
/// how much of it matched shows in the answer's timing; a key is never logged.</summary>
public sealed class IngestKeyHandler(RecapsSettings settings, IAccountStatus accounts) : AuthorizationHandler<IngestKeyRequirement>
{
    private readonly byte[][] _digests = settings.IngestKeys.Select(key => SHA256.HashData(Encoding.UTF8.GetBytes(key))).ToArray();

    protected override async Task HandleRequirementAsync(AuthorizationHandlerContext context, IngestKeyRequirement requirement)
    {
        var http = context.Resource as HttpContext;
        if (http is not null && http.Request.Headers.TryGetValue(IngestKeyRequirement.Header, out var sent) && sent.Count == 1 && Matches(sent[0] ?? ""))
        {
            context.Succeed(requirement);
            return;
        }

        if (context.User.Identity?.IsAuthenticated == true
            && await accounts.FindAsync(context.User, http?.RequestAborted ?? CancellationToken.None) is { IsActive: true, Role: Roles.Admin })
        {
            context.Succeed(requirement);
        }
    }

    private bool Matches(string key)
    {
        var digest = SHA256.HashData(Encoding.UTF8.GetBytes(key));
        var found = false;
        foreach (var expected in _digests)
        {
            found |= CryptographicOperations.FixedTimeEquals(digest, expected);
        }

        return found;
    }
}
