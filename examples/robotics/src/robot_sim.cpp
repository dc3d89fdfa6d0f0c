#include "kite/robotics/robot_sim.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace kite::robotics {

namespace {

double distance(const pose& a, const pose& b) {
  return std::hypot(a.x - b.x, a.y - b.y);
}

} // namespace

robot_sim::robot_sim(sim_settings settings)
    : settings_(settings), room_(world::generate(settings.seed)),
      bot_(room_, robot_settings{}, settings.seed * 7919 + 1), lidar_noise_(settings.seed + 17) {
  report_.closest_to_person = std::numeric_limits<double>::infinity();
}

double robot_sim::nearest_ahead(const lidar_scan& scan) const {
  double nearest = scan.max_range;
  for (size_t i = 0; i < scan.ranges.size(); ++i) {
    double angle = scan.angle_min + static_cast<double>(i) * scan.angle_step;
    if (std::abs(angle) <= settings_.stop_cone + 1e-9)
      nearest = std::min(nearest, static_cast<double>(scan.ranges[i]));
  }
  return nearest;
}

void robot_sim::step(double now, std::vector<sim_output>& out) {
  auto dt = 1.0 / settings_.step_hz;
  ++steps_;
  const auto& truth = bot_.truth();
  // Someone steps in, straight ahead, and leaves after a while.
  if (settings_.person_at >= 0 && !report_.person_appeared && now >= settings_.person_at &&
      room_.cast({truth.x, truth.y}, truth.theta, 8) > settings_.person_ahead + 0.5) {
    report_.person_appeared = true;
    report_.person = {truth.x + settings_.person_ahead * std::cos(truth.theta),
                      truth.y + settings_.person_ahead * std::sin(truth.theta), 0};
    with_person_ = room_.with_box({report_.person.x, report_.person.y}, 0.15);
  }
  if (with_person_ && now >= settings_.person_at + settings_.person_stays) with_person_.reset();
  if (with_person_)
    report_.closest_to_person =
        std::min(report_.closest_to_person, distance(bot_.truth(), report_.person));

  auto moved = bot_.step(dt, halted_);
  truth_path_.push_back(bot_.truth());
  odometry_path_.push_back(bot_.odometry());
  ++report_.imu_readings;
  out.push_back({sim_output::stream::imu,
                 {static_cast<float>(bot_.imu().yaw_rate),
                  static_cast<float>(bot_.imu().forward_acceleration)}});
  if (steps_ % (settings_.step_hz / settings_.odometry_hz) == 0) {
    ++report_.odometry_readings;
    const auto& o = bot_.odometry();
    out.push_back({sim_output::stream::odometry,
                   {static_cast<float>(o.x), static_cast<float>(o.y), static_cast<float>(o.theta),
                    static_cast<float>(moved.distance * settings_.step_hz),
                    static_cast<float>(moved.turn * settings_.step_hz)}});
  }
  if (steps_ % (settings_.step_hz / settings_.scan_hz) != 0) return;
  const auto& seen = with_person_ ? *with_person_ : room_;
  stamped_scan scan{++report_.scans, bot_.odometry(),
                    seen.sense(bot_.truth(), lidar_settings{}, lidar_noise_)};
  if (!danger_sent_ && !halted_ && nearest_ahead(scan.scan) < settings_.stop_distance)
    danger_sent_ = now;
  sent_[scan.id] = {now, bot_.truth(), bot_.odometry(), scan.scan};
  out.push_back({sim_output::stream::lidar, pack_scan(scan)});
}

void robot_sim::on_alarm(double now, bool raised) {
  if (raised && !halted_) {
    stop_event stop;
    stop.at = now;
    if (danger_sent_) stop.scan_to_stop = now - *danger_sent_;
    stop.for_person = with_person_.has_value();
    stop.person_distance = stop.for_person ? distance(bot_.truth(), report_.person) : 0;
    report_.stops.push_back(stop);
  }
  halted_ = raised;
  danger_sent_.reset();
}

void robot_sim::on_pose(double now, const corrected_pose& p) {
  auto i = sent_.find(p.scan_id);
  if (i == sent_.end()) return; // a copy of one already taken
  const auto& sent = i->second;
  ++report_.poses;
  report_.round_trips.push_back(now - sent.at);
  double corrected = distance(p.at, sent.truth);
  double odometry = distance(sent.odometry, sent.truth);
  error_sum_corrected_ += corrected;
  error_sum_odometry_ += odometry;
  report_.corrected_error_max = std::max(report_.corrected_error_max, corrected);
  report_.odometry_error_max = std::max(report_.odometry_error_max, odometry);
  report_.corrected_error_mean = error_sum_corrected_ / static_cast<double>(report_.poses);
  report_.odometry_error_mean = error_sum_odometry_ / static_cast<double>(report_.poses);
  report_.map_known_cells = p.known_cells;
  map_.integrate(p.at, sent.scan);
  corrected_path_.push_back(p.at);
  sent_.erase(i);
}

rgb_image robot_sim::picture() const {
  return render_map(
      map_, {{truth_path_, 0, 160, 0}, {odometry_path_, 220, 0, 0}, {corrected_path_, 0, 0, 230}});
}

} // namespace kite::robotics
