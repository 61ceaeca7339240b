using BayitPlus.Api.Infrastructure.Auth;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace BayitPlus.Api.Infrastructure.Http;

/// <summary>Each operation says whether it needs a token: <c>security: [{ Bearer: [] }]</c> (or the
/// scheme of the role a policy asks for, <c>AdminBearer</c> or <c>BetaBearer</c>), with that role in
/// its description, or <c>security: []</c> when anonymous callers are served. Read from the
/// endpoint's own authorization metadata, so the document cannot drift from what the authorization
/// middleware enforces.</summary>
public sealed class OperationSecurityTransformer : IOpenApiOperationTransformer
{
    public Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var metadata = context.Description.ActionDescriptor.EndpointMetadata;
        var authorize = metadata.OfType<IAuthorizeData>().ToList();
        if (authorize.Count == 0 || metadata.OfType<IAllowAnonymous>().Any())
        {
            operation.Security = [];
            return Task.CompletedTask;
        }

        // Every policy an endpoint names applies, so the strictest one describes it.
        var policies = authorize.Select(a => a.Policy).OfType<string>().ToHashSet(StringComparer.Ordinal);
        var (scheme, requirement) =
            policies.Contains(Policies.Admin) ? (BearerSecurityTransformer.AdminSchemeName, "Requires the bearer token of an active account with the role admin.")
            : policies.Contains(Policies.Beta) ? (BearerSecurityTransformer.BetaSchemeName, "Requires the bearer token of an active account with the role beta or admin.")
            : (BearerSecurityTransformer.SchemeName, "Requires the bearer token of an active account.");
        operation.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(scheme, context.Document)] = [] }];
        operation.Description = string.IsNullOrEmpty(operation.Description) ? requirement : $"{operation.Description}\n\n{requirement}";
        return Task.CompletedTask;
    }
}
