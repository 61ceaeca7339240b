using BayitPlus.Api.Infrastructure.Security;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using MongoDB.Bson;

namespace BayitPlus.Api.Infrastructure.Auth;

/// <summary>Answers a failed authorization: a token whose account is gone or inactive is answered
/// 401 on ordinary endpoints (it no longer signs anyone in), every other refusal 403; each refusal of
/// a signed-in caller is recorded as a security event.</summary>
public sealed class AccessDeniedRecorder(ISecurityEvents events) : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler _inner = new();

    public Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        if (!authorizeResult.Forbidden)
        {
            return _inner.HandleAsync(next, context, policy, authorizeResult);
        }

        var inactive = authorizeResult.AuthorizationFailure?.FailureReasons.OfType<InactiveAccountReason>().Any() == true;
        var roleRequired = policy.Requirements.OfType<ActiveAccountRequirement>().Any(requirement => requirement.Roles.Count > 0);
        events.Record(new SecurityEvent(
            SecurityEventTypes.AccessDenied,
            Severity.Medium,
            context.User.Identity?.IsAuthenticated == true ? context.User.Id() : null,
            context.Connection.RemoteIpAddress?.ToString(),
            new BsonDocument
            {
                ["method"] = context.Request.Method,
                ["path"] = context.Request.Path.Value ?? "",
                ["reason"] = inactive ? "inactive_account" : "role",
            }));
        return inactive && !roleRequired
            ? _inner.HandleAsync(next, context, policy, PolicyAuthorizationResult.Challenge())
            : _inner.HandleAsync(next, context, policy, authorizeResult);
    }
}
