import sql from 'k6/x/sql';
import driver from 'k6/x/sql/driver/postgres';
import http from 'k6/http';

const db = sql.open(driver, __ENV.DSN);

export const options = { vus: 1, duration: '5s' };

export default function () {
  http.get(__ENV.URL);
  db.exec('SELECT 1');
}
