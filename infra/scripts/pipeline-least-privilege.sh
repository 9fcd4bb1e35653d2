#!/bin/sh
# Narrows what `azd pipeline config` granted the deploy workflow's principal. azd grants Contributor and User Access
# Administrator on the whole subscription unless --principal-role names other roles (azure-dev
# cli/azd/pkg/pipeline/pipeline_manager.go, DefaultRoleNames; cli/azd/pkg/entraid/entraid.go, ensureRoleAssignment:
# subscription scope). What a provision of infra/ needs instead:
#   - subscription scope: create and read the subscription-level deployment of infra/main.bicep (targetScope
#     'subscription') and read resource groups: a custom role with only those actions;
#   - the environment's resource group: Contributor (every resource of the template lives there);
#   - the same resource group: Role Based Access Control Administrator, on condition that it only writes or deletes
#     assignments of the roles infra/app/rbac.bicep gives the app's identity (condition syntax:
#     https://learn.microsoft.com/azure/role-based-access-control/delegate-role-assignments-examples#example-constrain-roles).
# Run it after the first `azd up` (the resource group must exist) and `azd pipeline config`, from the same azd
# environment, signed in with `az login` as someone who may manage access (Owner or User Access Administrator).
# Usage: infra/scripts/pipeline-least-privilege.sh [--dry-run]   (--dry-run prints the az commands only)
set -eu

# Built-in role ids (learn.microsoft.com/azure/role-based-access-control/built-in-roles): privileged#contributor,
# privileged#role-based-access-control-administrator, privileged#user-access-administrator.
CONTRIBUTOR=b24988ac-6180-42a0-ab88-20f7382dd24c
RBAC_ADMINISTRATOR=f58310d9-a9f6-439a-9e8d-f62e7b41a168
USER_ACCESS_ADMINISTRATOR=18d7d88d-d35e-4fb5-a5c3-7773c20a72d9
# The roles infra/app/rbac.bicep assigns to the app's identity: Key Vault Secrets User, Storage Blob Data Owner,
# Monitoring Metrics Publisher (the pipeline gives its own principal no Key Vault role: AZURE_PRINCIPAL_KEY_VAULT_ROLE
# is None in .github/workflows/deploy.yml). TokenFunction.Tests/Infra/PipelinePrivilegeTests.cs keeps this list equal
# to the template's.
APP_ROLES='4633458b-17de-408a-b874-0445c86b69e6, b7e6dc6d-f1e8-4753-8033-0f276bb0955b, 3913510d-42f4-4e42-8a64-420c390055eb'

dry_run=false
[ "${1:-}" = --dry-run ] && dry_run=true
run() { if [ "$dry_run" = true ]; then printf '%s\n' "$*"; else "$@"; fi; }
value() { v=$(azd env get-value "$1" 2>/dev/null) || v=''; [ -n "$v" ] || { echo "pipeline-least-privilege: $1 is not in the azd environment: $2" >&2; exit 1; }; printf '%s' "$v"; }

subscription=$(value AZURE_SUBSCRIPTION_ID 'run azd up first')
group=$(value AZURE_RESOURCE_GROUP 'run azd up first')
principal=$(value AZURE_PIPELINE_CLIENT_ID 'run azd pipeline config first')
environment=$(value AZURE_ENV_NAME 'select the environment with azd env select')
sub_scope="/subscriptions/$subscription"
group_scope="$sub_scope/resourceGroups/$group"
role_name="azd subscription deployment ($environment)"

# 1. Subscription scope: deployments and reads only.
run az role definition create --role-definition "{\"Name\": \"$role_name\", \"Description\": \"Create and read the subscription-scope deployment of infra/main.bicep.\", \"Actions\": [\"Microsoft.Resources/deployments/*\", \"Microsoft.Resources/subscriptions/read\", \"Microsoft.Resources/subscriptions/resourceGroups/read\"], \"AssignableScopes\": [\"$sub_scope\"]}"
run az role assignment create --assignee "$principal" --role "$role_name" --scope "$sub_scope"

# 2. The resource group: the resources, and only the app identity's role assignments.
run az role assignment create --assignee "$principal" --role "$CONTRIBUTOR" --scope "$group_scope"
condition="((!(ActionMatches{'Microsoft.Authorization/roleAssignments/write'})) OR (@Request[Microsoft.Authorization/roleAssignments:RoleDefinitionId] ForAnyOfAnyValues:GuidEquals {$APP_ROLES})) AND ((!(ActionMatches{'Microsoft.Authorization/roleAssignments/delete'})) OR (@Resource[Microsoft.Authorization/roleAssignments:RoleDefinitionId] ForAnyOfAnyValues:GuidEquals {$APP_ROLES}))"
run az role assignment create --assignee "$principal" --role "$RBAC_ADMINISTRATOR" --scope "$group_scope" --condition "$condition" --condition-version 2.0

# 3. Take back azd's subscription-wide defaults.
run az role assignment delete --assignee "$principal" --role "$CONTRIBUTOR" --scope "$sub_scope"
run az role assignment delete --assignee "$principal" --role "$USER_ACCESS_ADMINISTRATOR" --scope "$sub_scope"
echo "pipeline-least-privilege: the pipeline's principal now deploys $group only."
