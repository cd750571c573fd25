import { isIP } from 'node:net';
import { Construct } from 'constructs';
import {
  Certificate, CertificateSpecPrivateKeyAlgorithm, CertificateSpecPrivateKeyEncoding, CertificateSpecPrivateKeyRotationPolicy,
  CertificateSpecUsages, ClusterIssuer,
} from '../../imports/cert-manager.io';
import { throwIfProblems } from '../core/validation/errors';
import { Problems } from '../core/validation/problems';
import { EdgeSite } from '../fleet/edge-site';
import type { ResolvedNodeSpec } from '../core/spec/site-spec';
import {
  checkEdgeCertificatesOptions, DEVICE_CERTIFICATE_POLICY, NODE_CERTIFICATE_POLICY, readEdgeCertificatesOptions, resolvePolicy,
} from './private/certificate-rules';
import { platformNamespace } from '../core/site/shared-control-plane';

/** Lifetime and key of a class of certificates. */
export interface CertificatePolicy {
  /** Lifetime (Go duration; days in hours: 90 days is `2160h`). @default - per class */
  readonly duration?: string;
  /** How long before expiry cert-manager renews; shorter than duration. @default - per class */
  readonly renewBefore?: string;
  /** Private key algorithm. @default 'RSA' */
  readonly algorithm?: 'RSA' | 'ECDSA' | 'Ed25519';
  /** Key size: 2048, 3072 or 4096 for RSA; 256, 384 or 521 for ECDSA; none for Ed25519. @default 2048 for RSA, 256 for ECDSA */
  readonly size?: number;
  /** Private key encoding in the Secret. @default 'PKCS1' */
  readonly encoding?: 'PKCS1' | 'PKCS8';
}

/** Names a certificate is valid for besides its common name. */
export interface HostAddresses {
  /** DNS names. @default - none */
  readonly dnsNames?: readonly string[];
  /** IP addresses. @default - none */
  readonly ipAddresses?: readonly string[];
}

/** A device (PLC, camera, sensor gateway) that gets a client certificate. */
export interface DeviceCertificate extends HostAddresses {
  /** Device name (DNS-1123 label); the common name and `device-<name>` names the Certificate. */
  readonly name: string;
}

/** What EdgeCertificates issues; shared by code and the inventory's `components.certificates`. */
export interface EdgeCertificatesOptions {
  /**
   * Name of the CA ClusterIssuer.
   * @default 'edge-site-ca'
   */
  readonly issuerName?: string;
  /**
   * The `kubernetes.io/tls` Secret holding the site's CA certificate and key, in
   * cert-manager's cluster resource namespace (`cert-manager` by default). It is
   * provisioned out of band (the fleet's PKI); its key never enters the output.
   * @default 'edge-site-ca'
   */
  readonly caSecretName?: string;
  /**
   * Namespace of the Certificates and the Secrets cert-manager writes.
   * @default 'edge-system' (`<site>-edge-system` when the site joins the hub's control plane)
   */
  readonly namespace?: string;
  /**
   * DNS domain of the site's hosts: node and device certificates also name `<name>.<dnsDomain>`.
   * @default - bare names only
   */
  readonly dnsDomain?: string;
  /**
   * Issue a certificate for every node of the site.
   * @default true
   */
  readonly nodeCertificates?: boolean;
  /**
   * Extra DNS names and IP addresses of nodes, by node name (the server node also
   * gets the host of `cluster.serverUrl`).
   * @default - none
   */
  readonly nodeAddresses?: Readonly<Record<string, HostAddresses>>;
  /**
   * Node certificates.
   * @default - 90 days (2160h), renewed 15 days (360h) before expiry, RSA 2048 PKCS1
   */
  readonly node?: CertificatePolicy;
  /**
   * Device certificates.
   * @default - 1 year (8760h), renewed 30 days (720h) before expiry, RSA 2048 PKCS1
   */
  readonly device?: CertificatePolicy;
  /**
   * Devices that get a client certificate.
   * @default []
   */
  readonly devices?: readonly DeviceCertificate[];
}

/** Props of EdgeCertificates. */
export interface EdgeCertificatesProps extends EdgeCertificatesOptions {}

/**
 * The site's X.509 certificates through cert-manager: a CA ClusterIssuer backed by
 * the site's CA key pair, a server-and-client certificate per node and a client
 * certificate per device, each renewed by cert-manager before it expires. The
 * private keys only ever exist in the Secrets cert-manager writes in the cluster.
 */
export class EdgeCertificates extends Construct {
  /** The CA ClusterIssuer. */
  public readonly issuer: ClusterIssuer;
  /** Node certificates, by node name. */
  public readonly nodeCertificates: ReadonlyMap<string, Certificate>;
  /** Device certificates, by device name. */
  public readonly deviceCertificates: ReadonlyMap<string, Certificate>;

  public constructor(scope: Construct, id: string, props: EdgeCertificatesProps = {}) {
    super(scope, id);
    const site = EdgeSite.of(this);
    const problems = new Problems();
    checkEdgeCertificatesOptions(props, site.spec, this.node.path, problems);
    throwIfProblems(problems, `EdgeCertificates ${this.node.path} is invalid`);

    const issuerName = props.issuerName ?? 'edge-site-ca';
    const namespace = props.namespace ?? platformNamespace(site.spec, 'edge-system');
    site.ensureNamespace(namespace);
    this.issuer = new ClusterIssuer(this, 'Issuer', {
      metadata: { name: issuerName },
      spec: { ca: { secretName: props.caSecretName ?? 'edge-site-ca' } },
    });

    const issue = (id: string, name: string, commonName: string, addresses: HostAddresses, policy: Required<CertificatePolicy>, usages: CertificateSpecUsages[]) => {
      const dnsNames = unique([commonName, ...props.dnsDomain ? [`${commonName}.${props.dnsDomain}`] : [], ...addresses.dnsNames ?? []]);
      const ipAddresses = unique([...addresses.ipAddresses ?? []]);
      return new Certificate(this, id, {
        metadata: { name, namespace },
        spec: {
          secretName: `${name}-tls`,
          issuerRef: { name: issuerName, kind: 'ClusterIssuer', group: 'cert-manager.io' },
          commonName,
          dnsNames,
          ipAddresses: ipAddresses.length ? ipAddresses : undefined,
          duration: policy.duration,
          renewBefore: policy.renewBefore,
          privateKey: {
            algorithm: CertificateSpecPrivateKeyAlgorithm[policy.algorithm === 'Ed25519' ? 'ED25519' : policy.algorithm],
            size: policy.algorithm === 'Ed25519' ? undefined : policy.size,
            encoding: CertificateSpecPrivateKeyEncoding[policy.encoding],
            // A renewed certificate gets a new key, so a leaked key expires with its certificate.
            rotationPolicy: CertificateSpecPrivateKeyRotationPolicy.ALWAYS,
          },
          // Key encipherment is an RSA key exchange usage; EC and Ed25519 keys only sign.
          usages: [CertificateSpecUsages.DIGITAL_SIGNATURE, ...policy.algorithm === 'RSA' ? [CertificateSpecUsages.KEY_ENCIPHERMENT] : [], ...usages],
        },
      });
    };

    const nodePolicy = resolvePolicy(props.node, NODE_CERTIFICATE_POLICY);
    const nodes = new Map<string, Certificate>();
    if (props.nodeCertificates !== false) {
      for (const node of site.spec.nodes) {
        const addresses = mergeAddresses(serverAddresses(node, site.spec.cluster.serverUrl), props.nodeAddresses?.[node.name]);
        nodes.set(node.name, issue(`Node-${node.name}`, `node-${node.name}`, node.name, addresses, nodePolicy, [CertificateSpecUsages.SERVER_AUTH, CertificateSpecUsages.CLIENT_AUTH]));
      }
    }
    this.nodeCertificates = nodes;
    const devicePolicy = resolvePolicy(props.device, DEVICE_CERTIFICATE_POLICY);
    this.deviceCertificates = new Map((props.devices ?? []).map((device) => [
      device.name,
      issue(`Device-${device.name}`, `device-${device.name}`, device.name, device, devicePolicy, [CertificateSpecUsages.CLIENT_AUTH]),
    ]));
  }
}

/** The host of `cluster.serverUrl` belongs in the server node's certificate: agents and clients dial it. */
function serverAddresses(node: ResolvedNodeSpec, serverUrl: string | undefined): HostAddresses {
  if (node.role !== 'server' || serverUrl === undefined) return {};
  const host = new URL(serverUrl).hostname.replace(/^\[|\]$/g, '');
  return isIP(host) ? { ipAddresses: [host] } : { dnsNames: [host] };
}

function mergeAddresses(a: HostAddresses, b: HostAddresses | undefined): HostAddresses {
  return { dnsNames: [...a.dnsNames ?? [], ...b?.dnsNames ?? []], ipAddresses: [...a.ipAddresses ?? [], ...b?.ipAddresses ?? []] };
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values)];
}

/**
 * `components.certificates` in the inventory: read with the construct's rules,
 * built as `<site>/Certificates`. Registered in lib/private/components.ts.
 */
export const EDGE_CERTIFICATES_COMPONENT = {
  key: 'certificates' as const,
  read: readEdgeCertificatesOptions,
  build(site: EdgeSite, options: EdgeCertificatesOptions): void {
    new EdgeCertificates(site, 'Certificates', options);
  },
};
