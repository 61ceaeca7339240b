using BayitPlus.Api.Infrastructure.Auth;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace BayitPlus.Api.Infrastructure.Http;

/// <summary>Each operation says whether it needs a token: <c>security: [{ Bearer: [] }]</c> (or the
/// scheme of the role a policy asks for, <c>AdminBearer</c> or <c>BetaBearer</c>), with that role in
/// its description, an API key or an admin's token for an endpoint marked <see cref="ApiKeyOrAdmin"/>, or <c>security: []</c> when anonymous callers are served. Read from the
/// endpoint's own authorization metadata, so the document cannot drift from what the authorization
/// middleware enforces.</summary>
public sealed class OperationSecurityTransformer : IOpenApiOperationTransformer
{
    public Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var metadata = context.Description.ActionDescriptor.EndpointMetadata;
        if (metadata.OfType<ApiKeyOrAdmin>().FirstOrDefault() is { } key)
        {
            // Alternatives: either requirement alone is enough.
            operation.Security =
            [
                new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(key.SchemeName, context.Document)] = [] },
                new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(key.AdminSchemeName, context.Document)] = [] },
            ];
            var alternatives = $"Requires an API key in the {key.Header} header, or the bearer token of an active account with the role admin.";
            operation.Description = string.IsNullOrEmpty(operation.Description) ? alternatives : $"{operation.Description}\n\n{alternatives}";
            return Task.CompletedTask;
        }

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
