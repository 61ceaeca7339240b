using BayitPlus.Api.Infrastructure.Security;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using MongoDB.Bson;

namespace BayitPlus.Api.Infrastructure.Auth;

/// <summary>Records a security event for every 403 the authorization middleware answers (a
/// signed-in caller without the role a policy requires), then answers as the default handler does.</summary>
public sealed class AccessDeniedRecorder(ISecurityEvents events) : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler _inner = new();

    public Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        if (authorizeResult.Forbidden)
        {
            events.Record(new SecurityEvent(
                SecurityEventTypes.AccessDenied,
                Severity.Medium,
                context.User.Identity?.IsAuthenticated == true ? context.User.Id() : null,
                context.Connection.RemoteIpAddress?.ToString(),
                new BsonDocument { ["method"] = context.Request.Method, ["path"] = context.Request.Path.Value ?? "" }));
        }

        return _inner.HandleAsync(next, context, policy, authorizeResult);
    }
}
