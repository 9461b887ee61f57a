// What an authorizer is asked about a request, as Kubernetes' authorizer.Attributes: a verb on a
// resource (group, resource, subresource, namespace, name) or on a path that is no resource.

export interface ResourceAttributes {
  resourceRequest: true;
  verb: string;
  /** "" is the core group */
  apiGroup: string;
  apiVersion: string;
  resource: string;
  subresource: string;
  /** "" for cluster-scoped resources and requests across all namespaces */
  namespace: string;
  /** "" for lists and creates */
  name: string;
}

export interface NonResourceAttributes {
  resourceRequest: false;
  verb: string;
  path: string;
}

export type Attributes = ResourceAttributes | NonResourceAttributes;

/** A resource request with the fields that are not named left empty. */
export function resourceAttributes(fields: Partial<Omit<ResourceAttributes, 'resourceRequest'>> & { verb: string; resource: string }): ResourceAttributes {
  return { resourceRequest: true, apiGroup: '', apiVersion: '', subresource: '', namespace: '', name: '', ...fields };
}
