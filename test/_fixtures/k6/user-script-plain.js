import http from 'k6/http';

export const options = {
  scenarios: { steady: { executor: 'constant-arrival-rate', rate: 10, timeUnit: '1s', duration: '10s', preAllocatedVUs: 5, maxVUs: 30 } },
  thresholds: { http_req_duration: ['p(95)<500'], http_req_failed: ['rate<0.01'] },
};

export default function () {
  http.get(__ENV.URL, { timeout: '2s' });
}
