// The simulated robot as the edge agent sees it: its drivers' streams (LiDAR at 10 Hz stamped
// with the odometry pose, IMU at 200 Hz, wheel odometry at 50 Hz) and what comes back: the
// emergency stop's alarms and the cloud's corrected poses. A person steps in front of it at a
// set time; the simulator judges the stop against where that person really was, and the
// corrected poses against the true trajectory. Clock-free: the caller says what time it is.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "kite/robotics/map_image.hpp"
#include "kite/robotics/occupancy_grid.hpp"
#include "kite/robotics/robot.hpp"
#include "kite/robotics/scan_sample.hpp"
#include "kite/robotics/world.hpp"

namespace kite::robotics {

struct sim_settings {
  uint64_t seed = 1;
  /// Physics steps per second; the streams' rates divide it.
  int step_hz = 200;
  int scan_hz = 10;
  int odometry_hz = 50;
  /// When someone steps in front of the robot (seconds from the start; negative: never), how
  /// far ahead of it, and for how long they stay.
  double person_at = 4;
  double person_ahead = 0.7;
  double person_stays = 2;
  /// The edge's stop rule, to tell which scans should stop the robot: the nearest range within
  /// stop_cone radians either side of straight ahead below stop_distance.
  double stop_distance = 0.35;
  double stop_cone = 10 * M_PI / 180;
};

/// One datagram's worth for the edge.
struct sim_output {
  enum class stream { lidar, imu, odometry };
  stream to = stream::lidar;
  std::vector<float> values;
};

/// An emergency stop the robot obeyed.
struct stop_event {
  double at = 0;
  /// From sending the first scan that showed something within stop_distance ahead to the
  /// alarm's arrival, in seconds; negative when no scan showed one (a stop for nothing).
  double scan_to_stop = -1;
  /// Whether the person stood ahead then, and the robot's distance to them (centre to centre).
  bool for_person = false;
  double person_distance = 0;
};

/// What a run measured.
struct sim_report {
  uint64_t scans = 0;
  uint64_t imu_readings = 0;
  uint64_t odometry_readings = 0;
  /// Corrected poses received, and each one's round trip from sending its scan, in seconds.
  uint64_t poses = 0;
  std::vector<double> round_trips;
  /// Position error of the corrected poses, and of odometry at the same scans, in metres.
  double corrected_error_mean = 0;
  double corrected_error_max = 0;
  double odometry_error_mean = 0;
  double odometry_error_max = 0;
  /// The cloud map's known cells, from the latest answer.
  uint64_t map_known_cells = 0;
  /// Whether, and where, the person appeared; the stops; the closest the robot came to them.
  bool person_appeared = false;
  pose person;
  std::vector<stop_event> stops;
  double closest_to_person = 0;
};

class robot_sim {
public:
  explicit robot_sim(sim_settings settings);

  /// Advances one physics step to time `now` (seconds), appending the datagrams due.
  void step(double now, std::vector<sim_output>& out);

  /// The edge's alarm: raised stops the robot, cleared lets it go on.
  void on_alarm(double now, bool raised);

  /// The cloud's corrected pose for one of the scans sent.
  void on_pose(double now, const corrected_pose& p);

  const sim_report& report() const { return report_; }

  /// The scans placed at their corrected poses, with the true, odometry and corrected paths.
  rgb_image picture() const;

private:
  /// The nearest range within the stop cone of `scan`.
  double nearest_ahead(const lidar_scan& scan) const;

  sim_settings settings_;
  world room_;
  std::optional<world> with_person_;
  robot bot_;
  std::mt19937_64 lidar_noise_;
  int64_t steps_ = 0;
  bool halted_ = false;
  /// When the first scan that should stop the robot was sent, while no alarm came yet.
  std::optional<double> danger_sent_;
  struct sent_scan {
    double at;
    pose truth;
    pose odometry;
    lidar_scan scan;
  };
  std::map<uint64_t, sent_scan> sent_;
  std::vector<pose> truth_path_;
  std::vector<pose> odometry_path_;
  std::vector<pose> corrected_path_;
  occupancy_grid map_;
  double error_sum_corrected_ = 0;
  double error_sum_odometry_ = 0;
  sim_report report_;
};

} // namespace kite::robotics
